/* Databases for benchmarks: a temp SQLite file, or a fresh PostgreSQL database dropped afterwards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config/config.js';
import { openStore, type Store } from '../../src/db/database.js';

export const PG_ADMIN_URL = process.env.SLUICE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchTarget {
  store: Store;
  config: DatabaseConfig;
  /** A temp directory for the data dir (and the SQLite file). */
  dir: string;
  dispose(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Opens a migrated, empty store on `dialect`; `dispose()` closes it and deletes the database. */
export async function benchTarget(dialect: 'sqlite' | 'postgres'): Promise<BenchTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  let config: DatabaseConfig = { dialect: 'sqlite', path: join(dir, 'bench.db') };
  let drop = async () => {};
  if (dialect === 'postgres') {
    const name = `sluice_bench_${process.pid}_${Date.now().toString(36)}`;
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    config = { dialect: 'postgres', url: url.href };
    drop = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  const store = await openStore(config);
  return {
    store,
    config,
    dir,
    async dispose() {
      await store.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
