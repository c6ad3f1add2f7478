import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig, type TransactionSettings } from 'kysely';
import type { SluiceDialect } from './dialect.js';
import { rowMaker } from './row-maker.js';
import { TrailingSums } from './snapshot.js';
import { sqliteLines } from './sqlite-lines.js';

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
    async *streamBatches(query, batchSize, sums) {
      // One statement: its rows, and the sums over them, come from one snapshot.
      const reader = path === ':memory:' ? sqlite : openReader(path);
      try {
        const stmt = reader.prepare(query.sql).raw(true);
        const names = stmt.columns().map((c) => c.name);
        const width = names.length - (sums?.columns ?? 0);
        const toRow = rowMaker(names.slice(0, width));
        const totals = sums && new TrailingSums(sums, width);
        const rows = stmt.iterate(...(query.parameters as unknown[])) as IterableIterator<unknown[]>;
        try {
          for (;;) {
            const batch: Record<string, unknown>[] = [];
            let next = rows.next();
            while (!next.done) {
              totals?.add(next.value);
              batch.push(toRow(next.value));
              if (batch.length >= batchSize) break;
              next = rows.next();
            }
            if (next.done) totals?.finish();
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
