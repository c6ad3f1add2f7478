import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import type { SluiceDialect } from './dialect.js';

/** SQLite in WAL mode; several processes (serve + workers) may share the file on one host. */
export function createSqliteDialect(path: string): SluiceDialect {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = OFF');
  return {
    name: 'sqlite',
    kysely: new SqliteDialect({ database: sqlite }),
    supportsSkipLocked: false,
    maxParameters: 32_000,
    async *streamBatches(query, batchSize) {
      // In WAL mode a second connection reads a consistent snapshot while the main one keeps writing.
      const reader = path === ':memory:' ? sqlite : new BetterSqlite3(path, { readonly: true });
      try {
        reader.pragma('busy_timeout = 10000');
        const rows = reader.prepare(query.sql).iterate(...(query.parameters as unknown[])) as IterableIterator<Record<string, unknown>>;
        try {
          for (;;) {
            const batch: Record<string, unknown>[] = [];
            let next = rows.next();
            while (!next.done) {
              batch.push(next.value);
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
