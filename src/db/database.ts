import { Kysely, Migrator, sql, type CompiledQuery } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';
import { createDialect, type SluiceDialect } from './dialect.js';
import { migrations } from './migrations/index.js';
import type { InlineSums } from './snapshot.js';
import type { Database } from './schema.js';
import { unavailableReason } from './unavailable.js';

export type DB = Kysely<Database>;

/** An open store: the query builder and the dialect facts the rest of the code may consult. */
export interface Store {
  readonly db: DB;
  readonly dialect: SluiceDialect;
  /** Streams a compiled SELECT in batches on a connection of its own (see SluiceDialect.streamBatches). */
  streamBatches(query: CompiledQuery, batchSize: number, sums?: InlineSums): AsyncIterable<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * Opens the store and, unless told not to, applies pending migrations.
 * @example const store = await openStore(config.database); … await store.close();
 */
export async function openStore(config: DatabaseConfig, opts: { migrate?: boolean } = {}): Promise<Store> {
  const dialect = await createDialect(config);
  const db = new Kysely<Database>({ dialect: dialect.kysely });
  const store: Store = {
    db,
    dialect,
    streamBatches: (query, batchSize, sums) => dialect.streamBatches(query, batchSize, sums),
    async close() {
      await db.destroy();
      await dialect.close?.();
    },
  };
  if (opts.migrate !== false) {
    try {
      await migrateToLatest(db);
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}

/** Applies every pending migration; returns the names applied. Throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Unordered: migrations developed side by side may land in any order; each applies once.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Whether the database answered a ping, and if not, why (for /readyz). */
export type PingResult = { ok: true } | { ok: false; reason: string };

/**
 * Answers whether the database responds within `timeoutMs` (for /readyz); a hung connect counts as down.
 * @example const r = await ping(store.db); if (!r.ok) log.warn(r.reason);
 */
export async function ping(db: DB, timeoutMs = 3000): Promise<PingResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const query = sql`select 1`.execute(db);
  query.catch(() => {}); // a late failure after the timeout answered is already reported
  try {
    await Promise.race([query, timeout]);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: unavailableReason(err) };
  } finally {
    clearTimeout(timer);
  }
}
