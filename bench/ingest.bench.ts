/*
 * Ingest throughput of workflow_runs (target ≥ 50,000 rows/s on both databases):
 *  - `ingestBatch` called directly, batches of 10,000 (validation + upsert);
 *  - real HTTP: POST /v1/ingest/workflow_runs with NDJSON bodies of 10,000 rows to a listening server;
 *  - a prototype of a faster SQLite upsert (bench/lib/fast-upsert.ts) for comparison (PostgreSQL
 *    already uses one unnest statement per batch, in src/db/postgres-dialect.ts).
 * SLUICE_BENCH_ROWS (default 500,000) rows per case; SLUICE_BENCH_PG_URL for PostgreSQL.
 */
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { createOrg, createUser } from '../src/auth/accounts.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config/config.js';
import { buildApp } from '../src/http/app.js';
import { ingestBatch, validateBatch } from '../src/ingest/ingest.js';
import { createServices } from '../src/services.js';
import { runCases, type Case } from './lib/cases.js';
import { sqlitePreparedUpsert } from './lib/fast-upsert.js';
import { runBatch } from './lib/rows.js';
import { benchTarget } from './lib/targets.js';
import type { Store } from '../src/db/database.js';

const ROWS = Number(process.env.SLUICE_BENCH_ROWS ?? 500_000);
const BATCH = 10_000;

/** Times only `write` for each batch (wall and CPU): building the input is the client's cost, not ingest's. */
async function timed(write: (batch: ReturnType<typeof runBatch>) => Promise<void> | void): Promise<{ seconds: number; cpuSeconds: number }> {
  let ms = 0;
  let cpuUs = 0;
  for (let start = 0; start < ROWS; start += BATCH) {
    const batch = runBatch(start, Math.min(BATCH, ROWS - start));
    const t = performance.now();
    const c = process.cpuUsage();
    await write(batch);
    const dc = process.cpuUsage(c);
    cpuUs += dc.user + dc.system;
    ms += performance.now() - t;
  }
  return { seconds: ms / 1000, cpuSeconds: cpuUs / 1e6 };
}

/** Fails the case unless the table holds exactly what ingestBatch would have written (count and a sample row). */
async function verify(store: Store): Promise<void> {
  const { n } = await store.db.selectFrom('workflow_runs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(n) !== ROWS) throw new Error(`expected ${ROWS} rows, found ${n}`);
  const [expected] = validateBatch('workflow_runs', runBatch(ROWS - 1, 1));
  // `seq` is the change sequence ingest assigns (drains read it), not part of the row sent (the prototype leaves it 0).
  const { seq: _seq, ...row } = await store.db.selectFrom('workflow_runs').selectAll().where('id', '=', expected.id).executeTakeFirstOrThrow();
  if (JSON.stringify({ ...expected, org_id: 'org_bench' }, Object.keys(row).sort()) !== JSON.stringify(row, Object.keys(row).sort())) {
    throw new Error(`row differs: ${JSON.stringify(row)} vs ${JSON.stringify(expected)}`);
  }
}

const direct = (dialect: 'sqlite' | 'postgres'): Case => async () => {
  const target = await benchTarget(dialect);
  try {
    const t = await timed((batch) => ingestBatch(target.store, 'org_bench', 'workflow_runs', batch).then(() => {}));
    await verify(target.store);
    // Validation alone, on the same rows, to show which half of ingestBatch the time goes to.
    const v = await timed((batch) => void validateBatch('workflow_runs', batch));
    return { rows: ROWS, ...t, notes: `validation alone: ${Math.round(ROWS / v.seconds).toLocaleString('en')} rows/s` };
  } finally {
    await target.dispose();
  }
};

const http = (dialect: 'sqlite' | 'postgres'): Case => async () => {
  const target = await benchTarget(dialect);
  const config = loadConfig({
    SLUICE_DATA_DIR: target.dir,
    SLUICE_SECRET: 'bench-secret-bench-secret-bench-secret',
    SLUICE_RATE_LIMIT_PER_MINUTE: '100000',
    SLUICE_DATABASE_URL: target.config.dialect === 'postgres' ? target.config.url : target.config.path,
  });
  const services = await createServices(config, pino({ level: 'silent' }), { store: target.store, worker: false });
  const app = await buildApp(services);
  try {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    await createOrg(target.store, { id: 'org_bench', name: 'Bench' });
    const user = await createUser(target.store, { orgId: 'org_bench', id: 'u_bench', email: 'bench@bench.example', role: 'admin' });
    const { key } = await createApiKey(target.store, { orgId: 'org_bench', userId: user.id, name: 'bench', scopes: ['ingest'] });
    const t = await timed(async (batch) => {
      const body = batch.map((r) => JSON.stringify(r)).join('\n');
      const res = await fetch(`${address}/v1/ingest/workflow_runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      await res.arrayBuffer();
    });
    return { rows: ROWS, ...t, notes: `client and server in one process; ${(JSON.stringify(runBatch(0, 1)[0]).length + 1)} B/row NDJSON` };
  } finally {
    await app.close();
    await services.close();
    await target.dispose();
  }
};

const sqlitePrepared: Case = async () => {
  const target = await benchTarget('sqlite');
  const db = new BetterSqlite3(target.config.dialect === 'sqlite' ? target.config.path : '');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  try {
    const t = await timed((batch) => sqlitePreparedUpsert(db, 'workflow_runs', 'org_bench', validateBatch('workflow_runs', batch)));
    await verify(target.store);
    return { rows: ROWS, ...t, notes: 'prototype: validate + prepared INSERT … ON CONFLICT per row, 1 tx/batch' };
  } finally {
    db.close();
    await target.dispose();
  }
};

await runCases(import.meta.filename, `Ingest of workflow_runs, ${ROWS.toLocaleString('en')} rows in batches of ${BATCH.toLocaleString('en')} (target ≥ 50,000 rows/s)`, {
  'sqlite ingestBatch': direct('sqlite'),
  'sqlite HTTP NDJSON': http('sqlite'),
  'postgres ingestBatch': direct('postgres'),
  'postgres HTTP NDJSON': http('postgres'),
  'sqlite prepared (prototype)': sqlitePrepared,
});
