import type { CompiledQuery, Dialect, Kysely } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';
import type { LineDialect } from './line-sql.js';
import type { InlineSums } from './snapshot.js';

/**
 * What differs between the databases Sluice runs on, in one place (as Kysely's adapter does).
 * Everything else — queries, migrations, streaming through `.stream()` — is shared.
 */
export interface SluiceDialect {
  readonly name: 'sqlite' | 'postgres';
  /** The Kysely dialect with its driver, configured for streaming. */
  readonly kysely: Dialect;
  /** `FOR UPDATE SKIP LOCKED` exists: claims can run concurrently in one statement. */
  readonly supportsSkipLocked: boolean;
  /** Largest number of bound parameters one statement may carry. */
  readonly maxParameters: number;
  /**
   * Streams a query's rows in batches of up to `batchSize`, on a connection of its own (held only
   * while the stream is read, released in `finally`): a paused export never stalls other queries, and
   * rows cost no per-row promise. SQLite: a read-only connection iterating one statement; PostgreSQL:
   * a pooled client with a server-side cursor. With `sums`, the query's last columns are summed as the
   * rows pass (and left out of the rows).
   */
  streamBatches(query: CompiledQuery, batchSize: number, sums?: InlineSums): AsyncIterable<Record<string, unknown>[]>;
  /**
   * A faster bulk upsert of `(org_id, id)`-keyed rows than a multi-row VALUES, where the database has
   * one (PostgreSQL: one `INSERT … SELECT FROM unnest(…)` per batch); absent means the portable path.
   * Runs inside the caller's transaction; rows carry every column except org_id and have distinct ids.
   * An existing row is rewritten only when a column other than `seq` differs (a re-sent row keeps its sequence).
   */
  bulkUpsert?(trx: Kysely<any>, table: string, orgId: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  /**
   * The database can write each export line itself (see line-sql.ts): the fast path of exports.
   * Absent means the row-by-row path only.
   */
  readonly lines?: LineDialect;
  /** Releases anything the driver holds outside Kysely (nothing for either today). */
  close?(): Promise<void>;
}

/** Builds the dialect for a database config; drivers are loaded lazily so neither is required by the other. */
export async function createDialect(config: DatabaseConfig): Promise<SluiceDialect> {
  if (config.dialect === 'postgres') {
    const { createPostgresDialect } = await import('./postgres-dialect.js');
    return createPostgresDialect(config.url);
  }
  const { createSqliteDialect } = await import('./sqlite-dialect.js');
  return createSqliteDialect(config.path);
}
