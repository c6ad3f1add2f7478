/*
 * Realistic data for the export benchmark: the demo platform (`seedDemo`, its row shapes and the
 * workflows' real pipeline JSON, ~770 bytes a row) at the scale that gives the larger org about the
 * wanted number of workflow runs. Seeded once per (database, scale) and reused: a 1M-row seed takes
 * minutes, a 10M-row one most of an hour.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config/config.js';
import { openStore } from '../../src/db/database.js';
import { seedDemo, type DemoSeed } from '../../src/demo/seed.js';
import { PG_ADMIN_URL } from './targets.js';

/** Workflow runs of the larger demo org per unit of scale (549,999 at scale 5). */
const RUNS_PER_SCALE = 110_000;
/** The workflow_runs dataset's default fields, as a default export writes them (with the real pipeline JSON). */
export const DEFAULT_FIELDS = ['workbook_id', 'workbook_name', 'workbook_created_ts', 'user_id', 'user_email', 'workspace_id', 'workspace_name', 'run_id', 'credit_cost', 'pl_run_created_ts', 'pl_run_finished_ts', 'pipeline'];
/** Fixed, so two seeds of one scale are the same data byte for byte. */
const NOW = Date.UTC(2025, 5, 1);

export interface DemoData {
  readonly dialect: 'sqlite' | 'postgres';
  readonly database: DatabaseConfig;
  /** The serving process's data dir (secret, export files). */
  readonly dataDir: string;
  readonly orgId: string;
  readonly apiKey: string;
  /** Workflow runs of that org: what a default workflow_runs export holds. */
  readonly runs: number;
}

/** The demo scale whose larger org has about `rows` workflow runs. */
export const scaleFor = (rows: number) => Math.round((rows / RUNS_PER_SCALE) * 100) / 100;

async function pgDatabase(name: string): Promise<DatabaseConfig> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { dialect: 'postgres', url: url.href };
}

/**
 * Exports an interrupted benchmark left queued or running: the next fresh server would run them before
 * (and beside) the one being measured.
 */
async function cancelLeftovers(database: DatabaseConfig): Promise<void> {
  const store = await openStore(database, { migrate: false });
  try {
    const left = await store.db.updateTable('exports').set({ status: 'cancelled', finished_at: Date.now() }).where('status', 'in', ['queued', 'running']).executeTakeFirst();
    if (Number(left.numUpdatedRows) > 0) process.stderr.write(`cancelled ${left.numUpdatedRows} export(s) an interrupted run left queued or running\n`);
  } finally {
    await store.close();
  }
}

/** Seeds (or reuses) demo data for about `rows` runs in one org under `root`. */
export async function demoData(root: string, dialect: 'sqlite' | 'postgres', rows: number): Promise<DemoData> {
  const scale = scaleFor(rows);
  const tag = `demo_x${String(scale).replace('.', '_')}`;
  const dataDir = join(root, `${dialect}-${tag}`);
  mkdirSync(dataDir, { recursive: true });
  const database: DatabaseConfig = dialect === 'sqlite' ? { dialect, path: join(dataDir, 'sluice.db') } : await pgDatabase(`sluice_bench_${tag}`);
  const marker = join(dataDir, 'bench-demo.json');
  if (existsSync(marker)) {
    await cancelLeftovers(database);
    return { ...(JSON.parse(readFileSync(marker, 'utf8')) as DemoData), database, dataDir };
  }

  process.stderr.write(`seeding the demo at scale ${scale} into ${dialect} (once; reused afterwards)…\n`);
  const store = await openStore(database);
  try {
    const t = performance.now();
    const seed: DemoSeed = await seedDemo(store, { scale, now: NOW });
    // Planner statistics, as autovacuum would have them on a live database (and `ANALYZE` in SQLite).
    await sql`ANALYZE`.execute(store.db);
    const counts = await store.db
      .selectFrom('workflow_runs')
      .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('org_id')
      .execute();
    const largest = counts.sort((a, b) => Number(b.n) - Number(a.n))[0];
    const org = seed.orgs.find((o) => o.id === largest.org_id)!;
    const data: DemoData = { dialect, database, dataDir, orgId: org.id, apiKey: org.admin.apiKey, runs: Number(largest.n) };
    writeFileSync(marker, JSON.stringify(data, null, 2));
    process.stderr.write(`seeded in ${((performance.now() - t) / 1000).toFixed(0)} s: ${data.runs.toLocaleString('en')} runs in ${org.id}\n`);
    return data;
  } finally {
    await store.close();
  }
}
