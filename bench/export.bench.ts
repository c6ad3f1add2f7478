/*
 * A 1,000,000-row `workflow_runs` CSV export through Sluice's engine (count, DB cursor → CSV encoder →
 * local blob store with fsync + atomic rename, fenced publish), timed against the databases' own CSV
 * tools on the same data and the same joined query: `sqlite3 -csv` and `psql \copy`.
 * Sluice runs in a child process so its peak RSS is its own. Target: ≤ 1.5× the native tool, < 200 MB.
 * Then the same export as Parquet and XLSX (SLUICE_BENCH_FORMATS, default parquet,xlsx; empty skips them).
 *
 *   npm run bench -- export          (SLUICE_BENCH_ROWS, SLUICE_BENCH_PG_URL override the defaults)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../src/config/config.js';
import { openStore, type Store } from '../src/db/database.js';
import { upsertRows, validateBatch } from '../src/ingest/ingest.js';
import { createOrg } from '../src/auth/accounts.js';

const ROWS = Number(process.env.SLUICE_BENCH_ROWS ?? 1_000_000);
const PG_ADMIN = process.env.SLUICE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DIR = join(import.meta.dirname, '.data');
const ORG = 'org_bench';

/** The export's query as the native tools run it: same joins, columns and ISO 8601 timestamps. */
function nativeSql(dialect: 'sqlite' | 'postgres'): string {
  const ts = (c: string) =>
    dialect === 'sqlite'
      ? `strftime('%Y-%m-%dT%H:%M:%fZ', ${c} / 1000.0, 'unixepoch')`
      : `to_char(to_timestamp(${c} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `SELECT r.workflow_id AS workbook_id, w.name AS workbook_name, ${ts('w.created_at')} AS workbook_created_ts, r.user_id, u.email AS user_email,
    w.workspace_id, ws.name AS workspace_name, r.id AS run_id, r.credit_cost, ${ts('r.created_at')} AS pl_run_created_ts,
    ${ts('r.finished_at')} AS pl_run_finished_ts, w.pipeline
  FROM workflow_runs r
  LEFT JOIN workflows w ON w.org_id = r.org_id AND w.id = r.workflow_id
  LEFT JOIN users u ON u.org_id = r.org_id AND u.id = r.user_id
  LEFT JOIN workspaces ws ON ws.org_id = w.org_id AND ws.id = w.workspace_id
  WHERE r.org_id = '${ORG}' ORDER BY r.created_at, r.id`.replace(/\s+/g, ' ');
}

async function seed(store: Store): Promise<void> {
  const have = await store.db.selectFrom('workflow_runs').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', ORG).executeTakeFirst();
  if (Number(have?.n) === ROWS) return;
  process.stderr.write(`seeding ${ROWS} runs…\n`);
  if (!(await store.db.selectFrom('orgs').select('id').where('id', '=', ORG).executeTakeFirst())) await createOrg(store, { id: ORG, name: 'Bench' });
  const t0 = Date.UTC(2025, 0, 1);
  await upsertRows(store, ORG, 'workspaces', validateBatch('workspaces', Array.from({ length: 10 }, (_, i) => ({ id: `ws_${i}`, name: `Team ${i}`, kind: 'team', created_at: '2024-01-01T00:00:00Z' }))));
  await upsertRows(store, ORG, 'users', validateBatch('users', Array.from({ length: 60 }, (_, i) => ({ id: `u_${i}`, email: `user${i}@bench.example`, name: `User ${i}`, role: 'member', created_at: '2024-01-01T00:00:00Z' }))));
  await upsertRows(store, ORG, 'workflows', validateBatch('workflows', Array.from({ length: 300 }, (_, i) => ({
    id: `wf_${i}`, workspace_id: `ws_${i % 10}`, name: `Workflow ${i}`, enabled: true, created_by: `u_${i % 60}`,
    pipeline: { nodes: [{ id: 'n1', type: 'llm' }, { id: 'n2', type: 'http' }] }, created_at: '2024-06-01T00:00:00Z',
  }))));
  for (let start = 0; start < ROWS; start += 20_000) {
    const batch = [];
    for (let i = start; i < Math.min(ROWS, start + 20_000); i++) {
      const created = t0 + i * 20_000;
      batch.push({
        id: `run_${i.toString().padStart(8, '0')}`, workflow_id: `wf_${i % 300}`, user_id: `u_${i % 60}`, status: 'completed',
        credit_cost: (i % 500) / 10, created_at: new Date(created).toISOString(), finished_at: new Date(created + 4321).toISOString(),
      });
    }
    await upsertRows(store, ORG, 'workflow_runs', validateBatch('workflow_runs', batch));
  }
  // Planner statistics, as autovacuum would have them on a live database (and `ANALYZE` in SQLite).
  await sql`ANALYZE`.execute(store.db);
}

function timed(cmd: string, args: string[], env: Record<string, string> = {}): { seconds: number; stdout: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.status}`);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, stdout: r.stdout };
}

interface EngineResult {
  rows: number;
  bytes: number;
  seconds: number;
  peakRssMb: number;
  baselineRssMb: number;
}

/** One export of the seeded runs through the engine, in a child process (its own peak RSS). */
function engineRun(dialect: 'sqlite' | 'postgres', config: DatabaseConfig, format: string): EngineResult {
  const child = timed(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lib/export-child.ts')], {
    BENCH_DB: JSON.stringify(config),
    BENCH_DIR: join(DIR, `sluice-${dialect}-${format}`),
    BENCH_ORG: ORG,
    BENCH_FORMAT: format,
  });
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as EngineResult;
}

/** Typed formats exported after the CSV comparison (no native tool writes them the same way). */
const TYPED_FORMATS = (process.env.SLUICE_BENCH_FORMATS ?? 'parquet,xlsx').split(',').filter(Boolean);
const typed = [
  '',
  `The same export as Parquet and XLSX (${ROWS.toLocaleString('en')} rows)`,
  '',
  '| database | format | rows | Sluice | rows/s | peak RSS | file size |',
  '|---|---|---:|---:|---:|---:|---:|',
];

async function bench(dialect: 'sqlite' | 'postgres'): Promise<string> {
  let config: DatabaseConfig;
  if (dialect === 'sqlite') {
    config = { dialect: 'sqlite', path: join(DIR, 'export-bench.db') };
  } else {
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'sluice_bench_export'`);
    if (!exists.rowCount) await admin.query('CREATE DATABASE sluice_bench_export');
    await admin.end();
    const url = new URL(PG_ADMIN);
    url.pathname = '/sluice_bench_export';
    config = { dialect: 'postgres', url: url.href };
  }
  const store = await openStore(config);
  await seed(store);
  await store.close();

  const out = join(DIR, `native-${dialect}.csv`);
  const native =
    dialect === 'sqlite'
      ? timed('sh', ['-c', `sqlite3 -csv -header '${(config as { path: string }).path}' "${nativeSql('sqlite')}" > '${out}'`])
      : timed('psql', [(config as { url: string }).url, '-q', '-c', `\\copy (${nativeSql('postgres')}) TO '${out}' WITH CSV HEADER`]);
  const nativeBytes = statSync(out).size;
  rmSync(out);

  const r = engineRun(dialect, config, 'csv');
  for (const format of TYPED_FORMATS) {
    const t = engineRun(dialect, config, format);
    typed.push(`| ${dialect} | ${format} | ${t.rows.toLocaleString('en')} | ${t.seconds.toFixed(2)} s | ${Math.round(t.rows / t.seconds).toLocaleString('en')} | ${t.peakRssMb} MB (${t.baselineRssMb} MB before) | ${(t.bytes / 1e6).toFixed(0)} MB |`);
  }
  const tool = dialect === 'sqlite' ? '`sqlite3 -csv`' : '`psql \\copy`';
  return `| ${dialect} | ${r.rows.toLocaleString('en')} | ${r.seconds.toFixed(2)} s | ${r.peakRssMb} MB (${r.baselineRssMb} MB before) | ${tool} ${native.seconds.toFixed(2)} s | **${(r.seconds / native.seconds).toFixed(2)}×** | ${(r.bytes / 1e6).toFixed(0)} MB vs ${(nativeBytes / 1e6).toFixed(0)} MB |`;
}

mkdirSync(DIR, { recursive: true });
const lines = [
  `workflow_runs CSV export, ${ROWS.toLocaleString('en')} rows, default fields`,
  '',
  '| database | rows | Sluice | Sluice peak RSS | native tool | ratio | file size (Sluice vs native) |',
  '|---|---:|---:|---:|---:|---:|---|',
];
for (const d of ['sqlite', 'postgres'] as const) lines.push(await bench(d));
if (TYPED_FORMATS.length) lines.push(...typed);
process.stdout.write(lines.join('\n') + '\n');
