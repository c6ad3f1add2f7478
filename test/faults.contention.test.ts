import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { childEnv, sleep, spawnServe, waitFor } from './helpers/faults.js';
import { seedRuns } from './helpers/platform.js';
import { spawnSluice, type CliProcess } from './helpers/processes.js';
import { createTestStore, DIALECTS, type TestStore } from './helpers/stores.js';

const root = join(import.meta.dirname, '..');

/**
 * Another process writing to a SQLite file: it opens its own connection (as a second worker or
 * `sluice ingest` would) and, on each line `write <stream>`, bumps a counter row and answers `done`.
 */
function otherWriter(path: string) {
  const script = `
    const db = new (require('better-sqlite3'))(${JSON.stringify(path)});
    db.pragma('busy_timeout = 10000');
    const bump = db.prepare("INSERT INTO org_sequences (org_id, stream, last) VALUES ('org_x', ?, 1) ON CONFLICT (org_id, stream) DO UPDATE SET last = last + 1");
    require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
      try { bump.run(line.split(' ')[1]); process.stdout.write('done\\n'); }
      catch (err) { process.stdout.write('error ' + err.code + '\\n'); }
    });
    process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, ['-e', script], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return { child, lines: () => out.split('\n').filter(Boolean) };
}

describe('SQLite write transactions under another process writing to the same file', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('sqlite');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('a transaction that reads before it writes waits for the other writer instead of failing with SQLITE_BUSY', async () => {
    const other = otherWriter(store.config.dialect === 'sqlite' ? store.config.path : '');
    try {
      await waitFor(() => (other.lines().includes('ready') ? true : undefined), 10_000, 10);
      await store.db.transaction().execute(async (trx) => {
        // A read first (the shape of a check-then-write): with a deferred BEGIN this takes a snapshot only.
        await trx.selectFrom('org_sequences').selectAll().execute();
        // The other process writes now. A deferred transaction lets it commit, and then its own first
        // write finds its snapshot stale: SQLITE_BUSY at once, no busy wait. BEGIN IMMEDIATE holds the
        // write lock already, so the other writer waits for this commit instead.
        other.child.stdin!.write('write a\n');
        await sleep(300);
        await trx.insertInto('org_sequences').values({ org_id: 'org_x', stream: 'b', last: 1 }).execute();
      });
      await waitFor(() => (other.lines().length > 1 ? true : undefined), 15_000, 10);
      expect(other.lines()).toEqual(['ready', 'done']);
      const rows = await store.db.selectFrom('org_sequences').select(['stream', 'last']).where('org_id', '=', 'org_x').orderBy('stream').execute();
      expect(rows.map((r) => [r.stream, Number(r.last)])).toEqual([['a', 1], ['b', 1]]);
    } finally {
      other.child.kill();
    }
  });
});

const SEEDED = 20_000;
const WRITERS = 4;
const BATCHES = 10;
const BATCH_ROWS = 250;
const EXPORTS = 12;
/** The exports' period: the seeded March; concurrent ingest writes June, so every export's count is fixed. */
const PERIOD = { from: '2025-03-01', to: '2025-03-31' };
const FORMATS = [
  { format: 'csv' },
  { format: 'jsonl', compression: 'gzip' },
  { format: 'json' },
  { format: 'parquet' },
] as const;

for (const dialect of DIALECTS) {
  describe(`concurrent ingest, exports and claims from two worker processes (${dialect})`, () => {
    let t: TestApp;
    let serve: Awaited<ReturnType<typeof spawnServe>>;
    let worker: CliProcess;
    beforeAll(async () => {
      t = await createTestApp(dialect, {}, { worker: false });
      await seedRuns(t, SEEDED);
      // A long lease: under contention no job may be taken over, so each attempt number counts claims.
      const env = { SLUICE_LEASE_SECONDS: '30', SLUICE_WORKER_CONCURRENCY: '2', SLUICE_ORG_CONCURRENCY: '4' };
      serve = await spawnServe(t, env);
      worker = spawnSluice(['worker'], childEnv(t, env));
      await waitFor(() => (worker.output().includes('sluice worker started') ? true : undefined), 60_000, 50);
    }, 120_000);
    afterAll(async () => {
      serve?.child.kill('SIGKILL');
      worker?.child.kill('SIGKILL');
      await t?.close();
    });

    it('answers no 5xx, loses no row, and runs every export exactly once', async () => {
      const statuses: { path: string; status: number; body: string }[] = [];
      const call = async (path: string, init: RequestInit = {}) => {
        const res = await fetch(`${serve.url}${path}`, {
          ...init,
          redirect: 'manual',
          signal: AbortSignal.timeout(60_000),
          headers: { ...bearer(t.orgA.admin.key), 'content-type': 'application/json' },
        });
        const body = await res.text();
        statuses.push({ path, status: res.status, body: body.slice(0, 300) });
        return { status: res.status, body };
      };
      const writer = async (w: number) => {
        for (let b = 0; b < BATCHES; b++) {
          const rows = Array.from({ length: BATCH_ROWS }, (_, i) => ({
            id: `ing_${w}_${b}_${i}`,
            workflow_id: `wf_${(i % 3) + 1}`,
            user_id: 'u_admin',
            status: 'completed',
            credit_cost: i % 5,
            created_at: `2025-06-${String((i % 28) + 1).padStart(2, '0')}T12:00:00Z`,
          }));
          const r = await call('/v1/ingest/workflow_runs', { method: 'POST', body: JSON.stringify(rows) });
          expect(r.status, r.body).toBe(200);
        }
      };
      const ids: { id: string; format: string }[] = [];
      const exporter = async () => {
        for (let e = 0; e < EXPORTS; e++) {
          const shape = FORMATS[e % FORMATS.length];
          const r = await call('/v1/exports', { method: 'POST', body: JSON.stringify({ dataset: 'workflow_runs', ...PERIOD, ...shape }) });
          expect(r.status, r.body).toBe(202);
          ids.push({ id: JSON.parse(r.body).id, format: shape.format });
          await call('/v1/exports?limit=20');
          await sleep(50);
        }
      };
      await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), exporter()]);

      const rows = async () => t.store.db.selectFrom('exports').selectAll().where('id', 'in', ids.map((x) => x.id)).execute();
      await waitFor(async () => ((await rows()).every((r) => r.status === 'completed' || r.status === 'failed') ? true : undefined), 180_000, 100);
      const done = await rows();
      expect(done).toHaveLength(EXPORTS);
      for (const r of done) {
        expect(r.status, `${r.id}: ${r.error}`).toBe('completed');
        expect(Number(r.attempt), `${r.id} was claimed more than once`).toBe(1);
        expect(Number(r.record_count)).toBe(SEEDED);
      }
      // The same request gives the same file whichever process ran it.
      for (const { format } of FORMATS) {
        const shas = new Set(done.filter((r) => r.format === format).map((r) => r.sha256));
        if (format !== 'parquet') expect(shas.size, format).toBe(1);
      }
      // Each export was published by exactly one process, and both processes claimed some.
      const published = (c: CliProcess) => c.output().split('\n').filter((l) => l.includes('"msg":"export completed"'));
      // Log lines are written asynchronously: the row can be completed before its line reaches the pipe.
      const all = () => [...published(serve), ...published(worker)];
      await waitFor(() => (ids.every(({ id }) => all().some((l) => l.includes(`"exportId":"${id}"`))) ? true : undefined), 15_000, 50);
      const byServe = published(serve);
      const byWorker = published(worker);
      for (const { id } of ids) expect([...byServe, ...byWorker].filter((l) => l.includes(`"exportId":"${id}"`)), id).toHaveLength(1);
      expect(byServe.length).toBeGreaterThan(0);
      expect(byWorker.length).toBeGreaterThan(0);
      // Every confirmed batch is stored, once.
      const ingested = await t.store.db.selectFrom('workflow_runs').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', 'org_a').where('id', 'like', 'ing_%').executeTakeFirstOrThrow();
      expect(Number(ingested.n)).toBe(WRITERS * BATCHES * BATCH_ROWS);
      expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
      for (const c of [serve, worker]) {
        expect(c.output()).not.toMatch(/SQLITE_BUSY|database is locked/);
        expect(c.child.exitCode).toBe(null);
      }
      console.info(`[faults] ${dialect} contention: ${WRITERS} HTTP writers × ${BATCHES} batches, ${EXPORTS} exports (${byServe.length} run by serve, ${byWorker.length} by the second worker), ${statuses.length} requests, 0 ≥ 500, every export claimed once`);
    }, 300_000);
  });
}
