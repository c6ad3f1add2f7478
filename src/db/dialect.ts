import type { Dialect } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';

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
   * A dialect for a separate connection used by one long streaming read, or null when the main one
   * serves (a PostgreSQL pool already has many). SQLite needs it: Kysely's SQLite driver has a single
   * connection, and a paused export stream would hold it and stall every other query.
   */
  readerDialect(): Dialect | null;
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
