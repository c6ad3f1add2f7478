import { Kysely, Migrator, sql, type CompiledQuery } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';
import { createDialect, type SluiceDialect } from './dialect.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type DB = Kysely<Database>;

/** An open store: the query builder and the dialect facts the rest of the code may consult. */
export interface Store {
  readonly db: DB;
  readonly dialect: SluiceDialect;
  /** Streams a compiled SELECT in batches on a connection of its own (see SluiceDialect.streamBatches). */
  streamBatches(query: CompiledQuery, batchSize: number): AsyncIterable<Record<string, unknown>[]>;
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
    streamBatches: (query, batchSize) => dialect.streamBatches(query, batchSize),
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

/** Answers whether the database responds (for /readyz). */
export async function ping(db: DB): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
