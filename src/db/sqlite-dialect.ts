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
    readerDialect() {
      if (path === ':memory:') return null;
      const reader = new BetterSqlite3(path, { readonly: true });
      reader.pragma('busy_timeout = 10000');
      return new SqliteDialect({ database: reader });
    },
  };
}
