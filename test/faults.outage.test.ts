import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../src/exports/sweeper.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { downloadOverHttp, sha256, sleep, spawnServe, tempFiles, waitFor } from './helpers/faults.js';
import { seedRuns } from './helpers/platform.js';
import { readParquet } from './helpers/readers.js';
import { PG_ADMIN_URL } from './helpers/stores.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

/*
 * PostgreSQL away and back, end to end: a real `sluice serve` (API + embedded worker) reaches the
 * database only through a TCP proxy started here, which the test cuts (every connection reset, new ones
 * refused) and later restores. The test itself reads the database directly, past the proxy.
 */

const ROWS = 60_000;
/** No answer may take longer than this while the database is away (a refused connect fails at once). */
const ANSWER_BOUND_MS = 5_000;
/** How long each outage lasts: longer than two leases (2 s), so the interrupted job's lease runs out meanwhile. */
const OUTAGE_MS = 6_000;

type Answer = { path: string; status: number; ms: number; body: any; retryAfter: string | null };

describe('PostgreSQL cut off from a serving process and restored', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let serve: Awaited<ReturnType<typeof spawnServe>>;
  const reference: Record<'json' | 'parquet', { sha256: string; bytes: number; id: string }> = {} as never;
  /** Every answer the serving process gave, outage or not (none may be a 5xx other than 503). */
  const answers: Answer[] = [];

  beforeAll(async () => {
    t = await createTestApp('postgres', {}, { worker: false });
    await seedRuns(t, ROWS);
    const pg = new URL(PG_ADMIN_URL);
    proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    const viaProxy = new URL(t.store.config.dialect === 'postgres' ? t.store.config.url : '');
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    serve = await spawnServe(t, { SLUICE_DATABASE_URL: viaProxy.href, SLUICE_MAX_ATTEMPTS: '5' });
  }, 120_000);
  afterAll(async () => {
    serve?.child.kill('SIGKILL');
    await proxy?.close();
    await t?.close();
  });

  /** One request to the serving process, timed, bounded, recorded. */
  const call = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const started = Date.now();
    const res = await fetch(`${serve.url}${path}`, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
      headers: { ...bearer(t.orgA.admin.key), 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON (a file) */
    }
    const a = { path, status: res.status, ms: Date.now() - started, body, retryAfter: res.headers.get('retry-after') };
    answers.push(a);
    return a;
  };
  const row = (id: string) => t.store.db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const exportDir = (id: string) => join(t.store.dir, 'exports', 'org_a', id);
  const request = (format: 'json' | 'parquet') => JSON.stringify(format === 'json' ? { dataset: 'workflow_runs', format: 'json', compression: 'gzip' } : { dataset: 'workflow_runs', format: 'parquet' });
  const create = async (format: 'json' | 'parquet') => {
    const a = await call('/v1/exports', { method: 'POST', body: request(format) });
    expect(a.status, JSON.stringify(a.body)).toBe(202);
    return a.body.id as string;
  };
  const finished = async (id: string) => (await waitFor(async () => {
    const r = await row(id);
    return ['completed', 'failed'].includes(r.status) ? r : undefined;
  }, 120_000, 20)) ?? row(id);
  const download = (id: string) => downloadOverHttp(serve.url, t.orgA.admin.key, id);
  /** Lines of the serving process's log that say this export was published. */
  const publications = (id: string) => serve.output().split('\n').filter((l) => l.includes('"msg":"export completed"') && l.includes(`"exportId":"${id}"`));

  /** What every probe must answer while the database is away. */
  const expectUnavailable = (a: Answer) => {
    expect(a.status, `${a.path}: ${JSON.stringify(a.body)}`).toBe(503);
    expect(a.body.error).toBe('unavailable');
    expect(a.body.message).toBe('The database is unreachable; try again shortly');
    expect(Number(a.retryAfter)).toBeGreaterThan(0);
  };

  /** Probes the API for `ms` while the database is away: liveness up, readiness and everything else 503. */
  const probeOutage = async (exportId: string, ms: number) => {
    const until = Date.now() + ms;
    let rounds = 0;
    while (Date.now() < until) {
      const health = await call('/healthz');
      expect(health.status).toBe(200);
      const ready = await call('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', database: 'postgres' });
      expect(ready.body.reason).toMatch(/ECONNREFUSED/);
      expect(Number(ready.retryAfter)).toBeGreaterThan(0);
      expectUnavailable(await call(`/v1/exports/${exportId}`));
      // No file, partial or otherwise, while the export has not been published.
      expectUnavailable(await call(`/v1/exports/${exportId}/download`));
      expectUnavailable(await call('/v1/exports?limit=5'));
      expectUnavailable(await call('/v1/exports', { method: 'POST', body: request('json') }));
      expectUnavailable(await call('/v1/ingest/workflow_runs', { method: 'POST', body: JSON.stringify([{ id: 'run_outage', workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: '2025-05-01T00:00:00Z' }]) }));
      rounds++;
      await sleep(200);
    }
    return rounds;
  };

  /** After a restore: readiness comes back by itself, and then ordinary requests work. */
  const expectRecovered = async (exportId: string) => {
    const restored = Date.now();
    const ready = await waitFor(async () => ((await call('/readyz')).status === 200 ? Date.now() - restored : undefined), 15_000, 100);
    expect(ready, 'readiness came back without a restart').toBeDefined();
    const got = await call(`/v1/exports/${exportId}`);
    expect(got.status).toBe(200);
    expect((await call('/v1/exports?limit=5')).status).toBe(200);
    return ready!;
  };

  it('exports a reference file of each kind before any fault', async () => {
    for (const format of ['json', 'parquet'] as const) {
      const id = await create(format);
      const done = await finished(id);
      expect(done.status, String(done.error)).toBe('completed');
      expect(Number(done.record_count)).toBe(ROWS);
      reference[format] = { sha256: String(done.sha256), bytes: Number(done.bytes), id };
    }
  }, 120_000);

  for (const [format, path, at] of [
    ['json', 'fast path: COPY … TO STDOUT into gzip', 0.3],
    ['parquet', 'row path: pg-cursor batches into the Parquet encoder', 0.2],
  ] as const) {
    it(`an export cut mid-stream (${path}) completes exactly once with the right file after the database returns`, async () => {
      let id = '';
      let cutAt = 0;
      for (let tries = 0; tries < 3 && !cutAt; tries++) {
        id = await create(format);
        const reached = await waitFor(async () => {
          const temps = tempFiles(exportDir(id));
          if (temps.length && Math.max(...temps.map((f) => f.size)) >= at * reference[format].bytes) return true;
          return (await row(id)).status === 'completed' ? false : undefined;
        }, 60_000, 2);
        if (reached) {
          await proxy.cut();
          cutAt = Date.now();
        }
      }
      expect(cutAt, 'the export was cut mid-stream').toBeGreaterThan(0);
      expect(proxy.open).toBe(0);

      const rounds = await probeOutage(id, OUTAGE_MS);
      expect(rounds).toBeGreaterThan(3);
      // Seen from past the proxy: the attempt never published, the serving process never exited.
      const during = await row(id);
      expect(during.status).not.toBe('completed');
      expect(during.blob_key).toBe(null);
      expect(serve.child.exitCode, serve.output().slice(-3000)).toBe(null);

      await proxy.restore();
      await expectRecovered(id);
      const done = await finished(id);
      expect(done.status, `${done.error}\n${serve.output().slice(-3000)}`).toBe('completed');
      expect(Number(done.attempt)).toBeGreaterThanOrEqual(2); // the cut attempt, then the one that published
      expect(done.error).toBe(null);
      expect(Number(done.record_count)).toBe(ROWS);
      // Log lines are written asynchronously: the row can be completed before its line reaches the pipe.
      await waitFor(() => (publications(id).length > 0 ? true : undefined), 15_000, 50);
      expect(publications(id)).toHaveLength(1);
      const file = await download(id);
      expect(sha256(file)).toBe(done.sha256);

      // A fresh export of the same request, after the fault: the same rows, the same bytes.
      const freshId = await create(format);
      const fresh = await finished(freshId);
      expect(fresh.status).toBe('completed');
      expect(Number(fresh.attempt)).toBe(1);
      expect(Number(fresh.record_count)).toBe(ROWS);
      if (format === 'json') {
        expect(done.sha256).toBe(reference.json.sha256);
        expect(fresh.sha256).toBe(done.sha256);
        expect(JSON.parse(gunzipSync(file).toString('utf8'))).toHaveLength(ROWS);
      } else {
        const [got, want] = await Promise.all([readParquet(file), readParquet(await download(freshId))]);
        expect(got.rows).toHaveLength(ROWS);
        expect(got.rows).toEqual(want.rows);
      }
      expect(serve.child.exitCode).toBe(null);
    }, 240_000);
  }

  it('API traffic cut mid-flight answers 2xx or 503, never a 500 or a hang, and carries on after the restore', async () => {
    const phase: { now: 'before' | 'away' | 'back' } = { now: 'before' };
    const seen: (Answer & { phase: string; started: number })[] = [];
    const stored: string[] = [];
    let n = 0;
    let stop = false;
    const loop = async (which: number) => {
      while (!stop) {
        const started = Date.now();
        const at = phase.now;
        let a: Answer;
        if (which === 0) {
          const id = `run_traffic_${n++}`;
          a = await call('/v1/ingest/workflow_runs', { method: 'POST', body: JSON.stringify([{ id, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: '2025-06-01T00:00:00Z' }]) });
          if (a.status === 200) stored.push(id);
        } else if (which === 1) a = await call('/v1/exports?limit=20');
        else if (which === 2) a = await call(`/v1/exports/${reference.json.id}`);
        else a = await call(`/v1/exports/${reference.json.id}/download`);
        seen.push({ ...a, phase: at, started });
        await sleep(20);
      }
    };
    const loops = [0, 1, 2, 3].map(loop);
    await sleep(1_000);
    await proxy.cut();
    phase.now = 'away';
    const cutAt = Date.now();
    await sleep(4_000);
    await proxy.restore();
    const restoredAt = Date.now();
    phase.now = 'back';
    const readyIn = await expectRecovered(reference.json.id);
    await sleep(2_000);
    stop = true;
    await Promise.all(loops);

    expect(seen.filter((a) => a.phase === 'before').length).toBeGreaterThan(0);
    for (const a of seen) {
      expect([200, 302, 503], `${a.phase} ${a.path}: ${a.status} ${JSON.stringify(a.body)}`).toContain(a.status);
      expect(a.ms, `${a.path} took ${a.ms} ms`).toBeLessThan(ANSWER_BOUND_MS);
      if (a.status === 503) expectUnavailable(a);
    }
    // Requests made entirely while the database was away were all refused, and there were many.
    const away = seen.filter((a) => a.started > cutAt + 100 && a.started + a.ms < restoredAt);
    expect(away.length).toBeGreaterThan(20);
    expect(away.filter((a) => a.status !== 503)).toEqual([]);
    // Once readiness was back, every request succeeded: no restart, no stale pooled connection.
    const after = seen.filter((a) => a.started > restoredAt + readyIn);
    expect(after.length).toBeGreaterThan(10);
    expect(after.filter((a) => a.status >= 400)).toEqual([]);
    // Every ingest the API confirmed is stored.
    const rows = await t.store.db.selectFrom('workflow_runs').select('id').where('org_id', '=', 'org_a').where('id', 'in', stored.length ? stored : ['-']).execute();
    expect(rows.map((r) => r.id).sort()).toEqual([...stored].sort());
    expect(serve.child.exitCode).toBe(null);
  }, 120_000);

  it('never answered a 5xx other than 503, and leaves no temp file once the sweeper has run', async () => {
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    expect((await call('/healthz')).status).toBe(200);
    expect((await call('/readyz')).status).toBe(200);
    await sweep({ ...t.ctx, config: t.config }, Date.now(), { graceMs: 0 });
    expect(tempFiles(join(t.store.dir, 'exports'))).toEqual([]);
    expect(serve.child.exitCode).toBe(null);
    const outage = answers.filter((a) => a.status === 503).length;
    console.info(`[faults] postgres outage: 3 cuts behind a TCP proxy (COPY export, cursor export, API traffic), ${answers.length} API answers (${outage} × 503, 0 other 5xx, slowest ${Math.max(...answers.map((a) => a.ms))} ms), interrupted exports completed once each, 0 process exits`);
  });
});
