import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig, type TransactionSettings } from 'kysely';
import type { SluiceDialect } from './dialect.js';
import type { SnapshotAside } from './snapshot.js';
import { sqliteLines } from './sqlite-lines.js';

/**
 * Reads `aside` on a reader about to run a batch stream's statement, in the snapshot that statement will see.
 * A reader of its own begins a read transaction first: in WAL mode the snapshot taken by its first read
 * holds for every later statement until the transaction ends (the reader is closed after the stream).
 * The in-memory database has one connection and no other process: nothing can commit between the aside
 * and the stream's first step, which follow without an await in between.
 */
function readAside(reader: BetterSqlite3.Database, own: boolean, aside: SnapshotAside): void {
  if (own && !reader.inTransaction) reader.exec('BEGIN');
  aside.read(reader.prepare(aside.query.sql).get(...(aside.query.parameters as unknown[])) as Record<string, unknown> | undefined);
}

/**
 * Page cache of a streaming reader, KiB (negative: SQLite's unit is then KiB). An export reads each page
 * once in index order, so a cache does not save reads (the OS page cache holds the file); better-sqlite3's
 * default of 16 MB per connection would only add 14 MB to the serving process for every running export.
 */
const READER_CACHE = 'cache_size = -2000';
/**
 * Page cache of the main connection (API reads, the queue, ingest, export estimates), KiB: enough for the
 * upper levels of every index; a full 16 MB filled by one count over a large org's index was a sixth of
 * the serving process's peak during a 1M-row export (peak RSS 146–152 MB → 135–138 MB with both caches).
 */
const MAIN_CACHE = 'cache_size = -4000';

/** How long a statement waits for another connection's write lock (serve and workers share the file). */
const BUSY_TIMEOUT = 'busy_timeout = 10000';

/**
 * Write transactions take the write lock at BEGIN (`BEGIN IMMEDIATE`), waiting up to the busy timeout.
 * A deferred BEGIN takes it at the first write instead: if that transaction read first and another
 * process (a second worker, `sluice ingest`) committed meanwhile, SQLite answers SQLITE_BUSY at once,
 * without waiting, because the reader's snapshot is stale. A read-only transaction stays deferred.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings = {}): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(settings.accessMode === 'read only' ? 'begin' : 'begin immediate'));
  }
}

/** Kysely's SQLite dialect with write transactions that begin immediate. */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly driverConfig: SqliteDialectConfig) {
    super(driverConfig);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.driverConfig);
  }
}

/** A read-only connection of its own: in WAL mode it sees one snapshot while writers go on. */
function openReader(path: string): BetterSqlite3.Database {
  const reader = new BetterSqlite3(path, { readonly: true });
  reader.pragma(BUSY_TIMEOUT);
  reader.pragma(READER_CACHE);
  return reader;
}

/** SQLite in WAL mode; several processes (serve + workers) may share the file on one host. */
export function createSqliteDialect(path: string): SluiceDialect {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  // First: switching to WAL (a no-op once the file is WAL) may itself wait on another process's lock.
  sqlite.pragma(BUSY_TIMEOUT);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma(MAIN_CACHE);
  return {
    name: 'sqlite',
    kysely: new ImmediateSqliteDialect({ database: sqlite }),
    supportsSkipLocked: false,
    maxParameters: 32_000,
    lines: sqliteLines(
      () => (path === ':memory:' ? sqlite : openReader(path)),
      (reader) => {
        if (reader !== sqlite) reader.close();
      },
    ),
    async *streamBatches(query, batchSize, aside) {
      const reader = path === ':memory:' ? sqlite : openReader(path);
      try {
        if (aside) readAside(reader, reader !== sqlite, aside);
        const stmt = reader.prepare(query.sql).raw(true);
        const toRow = rowMaker(stmt.columns().map((c) => c.name));
        const rows = stmt.iterate(...(query.parameters as unknown[])) as IterableIterator<unknown[]>;
        try {
          for (;;) {
            const batch: Record<string, unknown>[] = [];
            let next = rows.next();
            while (!next.done) {
              batch.push(toRow(next.value));
              if (batch.length >= batchSize) break;
              next = rows.next();
            }
            if (batch.length > 0) yield batch;
            if (next.done) return;
          }
        } finally {
          rows.return?.();
        }
      } finally {
        if (reader !== sqlite) reader.close();
      }
    },
  };
}

/**
 * Builds rows as objects in JS from raw arrays: better-sqlite3 creating each row object natively costs
 * about half again the whole read. Column names are the query's own aliases, embedded as JSON strings.
 */
function rowMaker(columns: string[]): (values: unknown[]) => Record<string, unknown> {
  const body = `return {${columns.map((c, i) => `${JSON.stringify(c)}: v[${i}]`).join(', ')}};`;
  return new Function('v', body) as (values: unknown[]) => Record<string, unknown>;
}
