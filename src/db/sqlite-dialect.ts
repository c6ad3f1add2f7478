import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import type { SluiceDialect } from './dialect.js';
import { sqliteLines } from './sqlite-lines.js';

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
    lines: sqliteLines(
      () => {
        // As streamBatches: a read-only connection of its own sees one snapshot while writers go on.
        if (path === ':memory:') return sqlite;
        const reader = new BetterSqlite3(path, { readonly: true });
        reader.pragma('busy_timeout = 10000');
        return reader;
      },
      (reader) => {
        if (reader !== sqlite) reader.close();
      },
    ),
    async *streamBatches(query, batchSize) {
      // In WAL mode a second connection reads a consistent snapshot while the main one keeps writing.
      const reader = path === ':memory:' ? sqlite : new BetterSqlite3(path, { readonly: true });
      try {
        reader.pragma('busy_timeout = 10000');
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
