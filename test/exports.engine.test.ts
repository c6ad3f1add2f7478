import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ColumnNode, UpdateQueryNode, type KyselyPlugin } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExportRequestSchema } from '../src/contract/exports.js';
import { createCompletions } from '../src/exports/completions.js';
import { createExportEngine } from '../src/exports/engine.js';
import { claimById, claimNext, complete, heartbeat } from '../src/exports/queue/index.js';
import { runExport } from '../src/exports/runner.js';
import { sweep } from '../src/exports/sweeper.js';
import { BlobMissing, type BlobStore } from '../src/storage/types.js';
import { DIALECTS } from './helpers/stores.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { downloadExport, seedRuns, waitForExport } from './helpers/platform.js';

/** How long a format's library takes to load, as on a busy machine (XLSX's takes 1–2.5 s there); 0: as it comes. */
const encoderLoad = vi.hoisted(() => ({ delayMs: 0 }));
vi.mock('../src/formats/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/formats/index.js')>();
  return {
    ...actual,
    loadEncoder: async (format: Parameters<typeof actual.loadEncoder>[0]) => {
      if (encoderLoad.delayMs) await new Promise((r) => setTimeout(r, encoderLoad.delayMs));
      return actual.loadEncoder(format);
    },
  };
});

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A blob store that keeps nothing: it waits `startDelayMs` before draining (so a run is still streaming
 * when the test acts on it), or fails the first `failures` puts.
 */
function testBlobs(opts: { startDelayMs?: number; failures?: number } = {}): BlobStore & { puts: number; deleted: string[] } {
  let failures = opts.failures ?? 0;
  const store = {
    puts: 0,
    deleted: [] as string[],
    async put(_key: string, body: Readable) {
      store.puts++;
      let bytes = 0;
      if (failures-- > 0) {
        body.destroy();
        throw new Error('disk on fire');
      }
      if (opts.startDelayMs) await sleep(opts.startDelayMs);
      await pipeline(
        body,
        new Writable({
          highWaterMark: 1,
          write(chunk, _enc, cb) {
            bytes += chunk.length;
            cb();
          },
        }),
      );
      return { bytes, sha256: '0'.repeat(64) };
    },
    async downloadUrl() {
      return 'http://example.invalid/';
    },
    async delete(key: string) {
      store.deleted.push(key);
    },
    async exists() {
      return false;
    },
    async open(key: string): Promise<never> {
      throw new BlobMissing(key);
    },
    async stat(key: string): Promise<never> {
      throw new BlobMissing(key);
    },
    async deletePrefix(prefix: string) {
      store.deleted.push(prefix);
    },
    async sweepIncomplete() {
      return 0;
    },
  };
  return store;
}

/**
 * A Kysely plugin for the answer of an UPDATE that sets `column` being lost on the way back, as when the
 * connection drops after the commit; with `rollback` the connection drops before the statement runs (nothing is written).
 */
function loseAnswerOf(column: string, opts: { rollback?: boolean } = {}): KyselyPlugin {
  const doomed = new WeakSet<object>();
  return {
    transformQuery({ node, queryId }) {
      if (UpdateQueryNode.is(node) && node.updates?.some((u) => ColumnNode.is(u.column) && u.column.column.name === column)) {
        // Thrown before the statement runs: nothing is written.
        if (opts.rollback) throw new Error('Connection terminated unexpectedly');
        doomed.add(queryId);
      }
      return node;
    },
    async transformResult({ result, queryId }) {
      if (doomed.has(queryId)) throw new Error('Connection terminated unexpectedly');
      return result;
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`export engine (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      // No embedded worker: each test drives claiming and running itself.
      t = await createTestApp(dialect, { SLUICE_EXPORT_ROW_LIMIT: '2000', SLUICE_LEASE_SECONDS: '2' }, { worker: false });
      await seedRuns(t, 3000);
    });
    afterAll(async () => t?.close());

    const queue = async (body: object = {}) => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key), payload: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-15', ...body } });
      expect(res.statusCode).toBe(202);
      return res.json().id as string;
    };
    const row = (id: string) => t.store.db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const deps = (blobs: BlobStore) => ({ store: t.store, config: t.config, blobs, logger: silent, retryBaseMs: 10 });
    const claim = (worker: string, now?: number) => claimNext(t.store, worker, { leaseMs: 2000, orgConcurrency: 10, now });

    it('refuses an export over the row limit at creation, naming the limit', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key), payload: { dataset: 'workflow_runs' } });
      expect(res.statusCode).toBe(422);
      expect(res.json().message).toContain('2000');
    });

    it('lets only the current lease holder publish (fencing)', async () => {
      const id = await queue();
      const first = await claim('w1');
      expect(first?.id).toBe(id);
      expect(await claim('w2')).toBeUndefined();
      // w1 stalls past its lease; w2 recovers the job with a higher attempt.
      const second = await claim('w2', Date.now() + 5000);
      expect(second?.id).toBe(id);
      expect(second?.attempt).toBe(2);
      const stale = { id, attempt: 1 };
      expect(await heartbeat(t.store, stale, { leaseMs: 2000, rowsWritten: 1 })).toBeNull();
      expect(await complete(t.store, stale, { recordCount: 1, bytes: 1, sha256: 'x', blobKey: 'stale', retentionMs: 1000 })).toBe(false);
      expect(await complete(t.store, { id, attempt: 2 }, { recordCount: 1, bytes: 1, sha256: 'x', blobKey: 'good', retentionMs: 1000 })).toBe(true);
      expect((await row(id)).blob_key).toBe('good');
    });

    it('keeps the published file when the publish committed but its answer was lost', async () => {
      const id = await queue();
      // The database commits the publish; the worker hears a dropped connection instead of the answer.
      const lossy = { ...t.store, db: t.store.db.withPlugin(loseAnswerOf('blob_key')) };
      const outcome = await runExport({ ...deps(t.ctx.blobs), store: lossy }, (await claim('w'))!, new AbortController().signal);
      expect(outcome).toBe('completed');
      const done = await row(id);
      expect([done.status, Number(done.record_count)]).toEqual(['completed', 1500]);
      const file = await downloadExport(t, id, t.orgA.admin.key);
      expect(file.statusCode).toBe(200);
      expect(file.body.trim().split('\n')).toHaveLength(1501);
    });

    it('discards the file and retries when a publish without an answer did not commit', async () => {
      const id = await queue();
      const lossy = { ...t.store, db: t.store.db.withPlugin(loseAnswerOf('blob_key', { rollback: true })) };
      const outcome = await runExport({ ...deps(t.ctx.blobs), store: lossy }, (await claim('w'))!, new AbortController().signal);
      expect(outcome).toBe('retrying');
      const back = await row(id);
      expect([back.status, back.blob_key, back.error]).toEqual(['queued', null, 'The database connection was lost while writing the export; the export will be retried']);
      expect(await t.ctx.blobs.exists(`org_a/${id}/1/${back.filename}`)).toBe(false);
      await t.store.db.deleteFrom('exports').where('id', '=', id).execute();
    });

    it('retries a failed run with backoff and then completes', async () => {
      const id = await queue();
      const blobs = testBlobs({ failures: 1 });
      await runExport(deps(blobs), (await claim('w'))!, new AbortController().signal);
      const afterFailure = await row(id);
      expect(afterFailure.status).toBe('queued');
      expect(afterFailure.error).toContain('internal error');
      await sleep(30);
      await runExport(deps(blobs), (await claim('w'))!, new AbortController().signal);
      const done = await row(id);
      expect(done.status).toBe('completed');
      expect(Number(done.attempt)).toBe(2);
      expect(Number(done.record_count)).toBeGreaterThan(0);
    });

    it('fails with the reason after the last attempt', async () => {
      const id = await queue();
      const blobs = testBlobs({ failures: 99 });
      for (let i = 0; i < t.config.maxAttempts; i++) {
        await sleep(10 * 2 ** i + 20);
        const job = await claim('w');
        expect(job?.id).toBe(id);
        await runExport(deps(blobs), job!, new AbortController().signal);
      }
      const failed = await row(id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toBeTruthy();
      expect(await claim('w', Date.now() + 60_000)).toBeUndefined();
    });

    it('honours cancellation mid-stream and leaves no file', async () => {
      const id = await queue();
      const blobs = testBlobs({ startDelayMs: 1500 });
      const running = runExport(deps(blobs), (await claim('w'))!, new AbortController().signal);
      await sleep(300);
      const res = await t.app.inject({ method: 'POST', url: `/v1/exports/${id}/cancel`, headers: bearer(t.orgA.admin.key) });
      expect(res.json().cancel_requested).toBe(true);
      await running;
      const cancelled = await row(id);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.blob_key).toBeNull();
      expect(blobs.deleted).toHaveLength(1);
    });

    it('a cancel does not wait for the format library to load: the run ends at its next heartbeat, cancelled, with no file', async () => {
      const id = await queue({ format: 'xlsx' });
      encoderLoad.delayMs = 6000;
      try {
        const blobs = testBlobs();
        const running = runExport(deps(blobs), (await claim('w'))!, new AbortController().signal);
        await sleep(200);
        const sent = Date.now();
        const res = await t.app.inject({ method: 'POST', url: `/v1/exports/${id}/cancel`, headers: bearer(t.orgA.admin.key) });
        expect(res.json().cancel_requested).toBe(true);
        expect(await running).toBe('cancelled');
        // The heartbeat (every 666 ms with a 2 s lease) noticed it; the 6 s load was not waited for.
        expect(Date.now() - sent).toBeLessThan(2000);
        expect(await row(id)).toMatchObject({ status: 'cancelled', blob_key: null });
        expect(blobs.puts).toBe(0);
      } finally {
        encoderLoad.delayMs = 0;
      }
    });

    it('cancels a queued export at once', async () => {
      const id = await queue();
      const res = await t.app.inject({ method: 'POST', url: `/v1/exports/${id}/cancel`, headers: bearer(t.orgA.admin.key) });
      expect(res.json().status).toBe('cancelled');
      expect(await claim('w')).toBeUndefined();
      const again = await t.app.inject({ method: 'POST', url: `/v1/exports/${id}/cancel`, headers: bearer(t.orgA.admin.key) });
      expect(again.statusCode).toBe(409);
    });

    it('hands a job back untouched on shutdown', async () => {
      const id = await queue();
      const shutdown = new AbortController();
      const running = runExport(deps(testBlobs({ startDelayMs: 1500 })), (await claim('w'))!, shutdown.signal);
      await sleep(200);
      shutdown.abort();
      await running;
      const back = await row(id);
      expect(back.status).toBe('queued');
      expect(Number(back.attempt)).toBe(0);
      await t.store.db.deleteFrom('exports').where('id', '=', id).execute();
    });

    it('never hands one job to two concurrent claimers', async () => {
      const ids = [];
      for (let i = 0; i < 12; i++) ids.push(await queue());
      // On PostgreSQL these run on separate pooled connections at once (FOR UPDATE SKIP LOCKED).
      const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => claimNext(t.store, `w${i}`, { leaseMs: 5000, orgConcurrency: 100 })));
      const claimed = claims.filter((c) => c !== undefined).map((c) => c!.id);
      expect(claimed.sort()).toEqual([...ids].sort());
      expect(new Set(claimed).size).toBe(claimed.length);
      await t.store.db.deleteFrom('exports').where('id', 'in', ids).execute();
    });

    it('respects the per-org concurrency limit', async () => {
      const a = await queue();
      const b = await queue();
      const first = await claimNext(t.store, 'w', { leaseMs: 5000, orgConcurrency: 1 });
      expect(first?.id).toBe(a);
      expect(await claimNext(t.store, 'w', { leaseMs: 5000, orgConcurrency: 1 })).toBeUndefined();
      expect((await claimNext(t.store, 'w', { leaseMs: 5000, orgConcurrency: 2 }))?.id).toBe(b);
      await t.store.db.deleteFrom('exports').where('id', 'in', [a, b]).execute();
    });

    it('expires files after the retention period: deleted, shown as expired, download 410', async () => {
      const id = await queue({ fields: ['run_id'] });
      await runExport({ ...deps(t.ctx.blobs) }, (await claim('w'))!, new AbortController().signal);
      const done = await waitForExport(t, id, t.orgA.admin.key);
      expect(done.status).toBe('completed');
      expect((await downloadExport(t, id, t.orgA.admin.key)).statusCode).toBe(200);
      const key = (await row(id)).blob_key!;
      expect(await t.ctx.blobs.exists(key)).toBe(true);
      const result = await sweep(deps(t.ctx.blobs), Date.parse(done.expires_at) + 1);
      expect(result.expired).toBeGreaterThanOrEqual(1);
      expect(await t.ctx.blobs.exists(key)).toBe(false);
      const expired = (await t.app.inject({ url: `/v1/exports/${id}`, headers: bearer(t.orgA.admin.key) })).json();
      expect(expired.status).toBe('expired');
      expect((await t.app.inject({ url: `/v1/exports/${id}/download`, headers: bearer(t.orgA.admin.key) })).statusCode).toBe(410);
    });

    it('notifies exactly once even when the worker dies between publishing and notifying (outbox)', async () => {
      const id = await queue({ fields: ['run_id'], notify_email: 'ops@example.com' });
      const job = (await claimById(t.store, id, 'doomed', 60_000))!;
      // The worker publishes the file, then dies before its notification goes out.
      expect(await complete(t.store, { id, attempt: job.attempt }, { recordCount: 0, bytes: 0, sha256: 'f'.repeat(64), blobKey: 'k', retentionMs: 86_400_000 })).toBe(true);
      const sent: { exportId: string; status: string; email?: string | null }[] = [];
      const notifier = { exportFinished: async (info: (typeof sent)[number]) => (sent.push(info), {}) };
      await sweep({ ...deps(t.ctx.blobs), notifier } as never);
      await sweep({ ...deps(t.ctx.blobs), notifier } as never);
      expect(sent.map((n) => [n.exportId, n.status, n.email])).toEqual([[id, 'completed', 'ops@example.com']]);
      expect((await row(id)).notified_at).not.toBeNull();
    });

    it('a run within the request waits on the completion signal: it reads the export back once, never polls', async () => {
      let reads = 0;
      const counting = t.store.db.withPlugin({
        transformQuery: ({ node }) => {
          if (node.kind === 'SelectQueryNode' && JSON.stringify(node).includes('"name":"exports"')) reads++;
          return node;
        },
        transformResult: async ({ result }) => result,
      });
      const engine = createExportEngine({ ...deps(t.ctx.blobs), store: { ...t.store, db: counting }, completions: createCompletions() });
      const principal = { orgId: 'org_a', userId: 'u_admin', role: 'admin' as const, scopes: ['export', 'admin'] as const, via: 'api_key' as const };
      const done = await engine.run(principal, ExportRequestSchema.parse({ dataset: 'workflow_runs', fields: ['run_id'], from: '2025-03-01', to: '2025-03-02' }));
      expect(done.status).toBe('completed');
      // Looking for an Idempotency-Key is skipped (none), the row is read after insert and once after the run.
      expect(reads).toBe(2);
    });
  });
}
