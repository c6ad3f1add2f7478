import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient } from '../src/outbound/index.js';
import { drainSource } from '../src/drains/source.js';
import { startWorker } from '../src/exports/worker.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingest } from './helpers/platform.js';
import { spawnSluice, type CliProcess } from './helpers/processes.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { DIALECTS } from './helpers/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Enough 1,000-record batches that the drain is still delivering after the last kill (a kill lets at most 2 batches through). */
const ROWS = 24_000;
/** The bar: the worker is killed mid-delivery this many times. */
const KILLS = 10;
const runs = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${String(i).padStart(5, '0')}`, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: '2025-03-01T10:00:00Z' }));

/** Every row was delivered under one idempotency key only (a repeat reuses the key), and ranges of different keys never overlap. */
function checkKeys(rx: Receiver) {
  const keysOf = new Map<string, Set<string>>();
  const ranges = new Map<string, [number, number]>();
  for (const r of rx.requests) {
    if (!r.json?.records?.length) continue;
    const key = String(r.headers['idempotency-key']);
    ranges.set(key, [r.json.sequence.from, r.json.sequence.to]);
    for (const rec of r.json.records) {
      if (!keysOf.has(rec.run_id)) keysOf.set(rec.run_id, new Set());
      keysOf.get(rec.run_id)!.add(key);
    }
  }
  expect([...keysOf.values()].every((keys) => keys.size === 1)).toBe(true);
  const sorted = [...ranges.values()].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) expect(sorted[i][0]).toBeGreaterThan(sorted[i - 1][1]);
}

for (const dialect of DIALECTS) {
  describe(`drain workers (${dialect})`, () => {
    let t: TestApp;
    let rx: Receiver;
    const children: CliProcess[] = [];
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_LEASE_SECONDS: '2', SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' }, { worker: false });
      rx = await startReceiver();
    });
    afterAll(async () => {
      for (const c of children) c.child.kill('SIGKILL');
      await rx?.close();
      await t?.close();
    });
    const drainRow = (id: string) => t.store.db.selectFrom('drains').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const maxSeq = async () => Number((await t.store.db.selectFrom('workflow_runs').select((eb) => eb.fn.max('seq').as('m')).where('org_id', '=', 'org_a').executeTakeFirstOrThrow()).m);
    const createDrain = async (name: string) => {
      const res = await t.app.inject({
        method: 'POST', url: '/v1/drains', headers: bearer(t.orgA.admin.key),
        payload: { name, dataset: 'workflow_runs', fields: ['run_id'], start: 'all', destination: { type: 'http', url: rx.url } },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };

    it('a worker killed mid-delivery 10 times: no gap, and every repeat carries the same idempotency key', { timeout: 400_000 }, async () => {
      await ingest(t, 'workflow_runs', runs('kill_', ROWS));
      rx.requests.length = 0;
      rx.answer = (r) => ({ status: 200, delayMs: r.json?.records?.length ? 300 : 0 });
      const id = await createDrain('crash');
      const worker = () => {
        const c = spawnSluice(['worker'], {
          SLUICE_DATA_DIR: t.store.dir,
          SLUICE_DATABASE_URL: t.store.config.dialect === 'postgres' ? t.store.config.url : t.store.config.path,
          SLUICE_SECRET: t.config.secret,
          SLUICE_LEASE_SECONDS: '2',
          SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1',
          SLUICE_WORKER_CONCURRENCY: '1',
        });
        children.push(c);
        return c;
      };
      // A pool of started workers: after each kill another one is already up and claims the drain once
      // the lease runs out, so a restart costs a lease (2 s), not a process start-up. The one killed is
      // the lease holder (its pid is in lease_owner), mid-delivery.
      const pool = [worker(), worker(), worker()];
      const holder = async () => {
        for (let i = 0; i < 200; i++) {
          const owner = (await drainRow(id)).lease_owner;
          const c = owner ? pool.find((p) => owner.split(':').at(-2) === String(p.child.pid)) : undefined;
          if (c) return c;
          await sleep(10);
        }
        return undefined;
      };
      for (let kill = 0; kill < KILLS; kill++) {
        // Kills land at different points: after the 1st, 2nd or 3rd request since the last kill, 0–300 ms
        // into the destination's 300 ms answer (so before or just after an acknowledgement).
        const seen = rx.requests.length + 1 + (kill % 3);
        const until = Date.now() + 120_000;
        while (rx.requests.length < seen && Date.now() < until) await sleep(10);
        expect(rx.requests.length, pool.map((c) => c.output()).join('\n---\n')).toBeGreaterThanOrEqual(seen);
        await sleep((kill * 97) % 300);
        const c = await holder();
        expect(c, 'the lease holder is one of the pool').toBeDefined();
        c!.child.kill('SIGKILL');
        await c!.exited;
        pool.splice(pool.indexOf(c!), 1, worker());
      }
      const last = pool[0]!;
      const target = await maxSeq();
      const until = Date.now() + 60_000;
      while (Number((await drainRow(id)).cursor) < target && Date.now() < until) await sleep(100);
      for (const c of pool) c.child.kill('SIGTERM');
      await Promise.all(pool.map((c) => c.exited));
      expect(Number((await drainRow(id)).cursor), last.output()).toBe(target);
      const got = rx.deduplicated().map((r) => r.run_id);
      expect(new Set(got).size).toBe(ROWS);
      expect(got).toHaveLength(ROWS);
      checkKeys(rx);
      // Some batch was sent more than once (the kills landed mid-delivery), always under its key.
      const keys = rx.requests.filter((r) => r.json?.records?.length).map((r) => r.headers['idempotency-key']);
      expect(keys.length).toBeGreaterThan(new Set(keys).size);
    });

    it('two workers never deliver the same drain at once', async () => {
      // Only this test's drain delivers (the previous one is paused).
      await t.store.db.updateTable('drains').set({ status: 'paused' }).execute();
      await ingest(t, 'workflow_runs', runs('two_', 4000));
      rx.requests.length = 0;
      (rx as { maxInFlight: number }).maxInFlight = 0;
      rx.answer = (r) => ({ status: 200, delayMs: r.json?.records?.length ? 100 : 0 });
      const id = await createDrain('pair');
      const deps = { store: t.store, config: t.config, logger: t.ctx.logger, notifier: t.ctx.notifier, sender: createOutboundClient({ allowlist: t.config.outboundAllowlist }), failureBackoffMs: 50 };
      const workers = [0, 1].map(() =>
        startWorker({ store: t.store, config: t.config, blobs: t.ctx.blobs, logger: t.ctx.logger }, { concurrency: 2, pollMs: 20, sources: [drainSource(deps)] }),
      );
      try {
        const target = await maxSeq();
        const until = Date.now() + 60_000;
        while (Number((await drainRow(id)).cursor) < target && Date.now() < until) await sleep(50);
        expect(Number((await drainRow(id)).cursor)).toBe(target);
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
      expect(rx.maxInFlight).toBe(1);
      const delivered = rx.requests.filter((r) => r.json?.drain_id === id && r.json.records.length);
      const keys = delivered.map((r) => r.headers['idempotency-key']);
      expect(new Set(keys).size).toBe(keys.length);
      expect(delivered.flatMap((r) => r.json.records.map((x: any) => x.run_id)).sort()).toEqual(runs('kill_', ROWS).concat(runs('two_', 4000)).map((r) => r.id).sort());
    });
  });
}
