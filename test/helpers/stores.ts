import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config/config.js';
import { openStore, type Store } from '../../src/db/database.js';

/** Every dialect the integration suites run against. PostgreSQL is never skipped silently. */
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type DialectName = (typeof DIALECTS)[number];

export const PG_ADMIN_URL = process.env.SLUICE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, empty, migrated store plus the config that opens it again (e.g. from a child process). */
export interface TestStore extends Store {
  readonly config: DatabaseConfig;
  readonly dir: string;
}

/**
 * Creates an isolated database: a temp SQLite file, or a new PostgreSQL database dropped on close.
 * @example const store = await createTestStore('postgres'); … await store.close();
 */
export async function createTestStore(dialect: DialectName): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-test-'));
  let config: DatabaseConfig;
  let drop = async () => {};
  if (dialect === 'sqlite') {
    config = { dialect: 'sqlite', path: join(dir, 'sluice.db') };
  } else {
    const name = `sluice_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    config = { dialect: 'postgres', url: url.href };
    drop = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  const store = await openStore(config);
  return {
    ...store,
    config,
    dir,
    async close() {
      await store.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is required for the test suite and is not reachable at ${PG_ADMIN_URL} (set SLUICE_TEST_PG_URL): ${(err as Error).message}`);
  }
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
