import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient } from '../src/outbound/index.js';
import { startWorker, type JobSource, type Worker } from '../src/exports/worker.js';
import { claimNextSchedule } from '../src/schedules/queue.js';
import { runSchedule } from '../src/schedules/runner.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingest } from './helpers/platform.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { DIALECTS } from './helpers/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DAY = 86_400_000;
/** The shortest lease the configuration allows; the destinations below hold their answer longer. */
const LEASE_SECONDS = 2;

/** One claim of a schedule by a worker: when it was claimed and when its run ended. */
interface Claim {
  readonly worker: string;
  readonly scheduleId: string;
  readonly claimedAt: number;
  endedAt?: number;
}

for (const dialect of DIALECTS) {
  describe(`schedule uploads keep their lease (${dialect})`, () => {
    let t: TestApp;
    let rx: Receiver;
    const workers: Worker[] = [];
    const claims: Claim[] = [];
    const yesterday = Date.parse(new Date().toISOString().slice(0, 10)) - DAY;
    const start = new Date(yesterday).toISOString().slice(0, 10);

    // Two workers serving exports and schedules, with every schedule claim written down.
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_LEASE_SECONDS: String(LEASE_SECONDS), SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' }, { worker: false });
      rx = await startReceiver();
      await ingest(t, 'workflow_runs', [0, 1, 2].map((h) => ({ id: `lease_${h}`, workflow_id: 'wf_lease', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: new Date(yesterday + h * 3_600_000).toISOString() })));
      const deps = {
        store: t.store, config: t.config, blobs: t.ctx.blobs, logger: t.ctx.logger, exports: t.ctx.exports,
        sender: createOutboundClient({ allowlist: t.config.outboundAllowlist }),
        leaseMs: LEASE_SECONDS * 1000, retryMs: 200, uploadPollMs: 50,
      };
      for (const name of ['w1', 'w2']) {
        // The schedules source (runner.ts), with each claim written down.
        const logged: JobSource = {
          name: 'schedules',
          async claim(workerId) {
            const s = await claimNextSchedule(t.store, workerId, { leaseMs: deps.leaseMs });
            if (!s) return undefined;
            const claim: Claim = { worker: name, scheduleId: s.id, claimedAt: Date.now() };
            claims.push(claim);
            return (shutdown) => runSchedule(deps, s, Date.now(), shutdown).finally(() => (claim.endedAt = Date.now()));
          },
        };
        workers.push(startWorker({ store: t.store, config: t.config, blobs: t.ctx.blobs, logger: t.ctx.logger, retryBaseMs: 50 }, { concurrency: 2, pollMs: 20, sources: [logged] }));
      }
    });
    afterAll(async () => {
      for (const w of workers) await w.stop();
      await rx?.close();
      await t?.close();
    });

    const admin = () => bearer(t.orgA.admin.key);
    const createSchedule = async (name: string) => {
      const res = await t.app.inject({
        method: 'POST', url: '/v1/schedules', headers: admin(),
        payload: { name, every: 'day', timezone: 'UTC', start, export: { dataset: 'workflow_runs', format: 'csv', entity_ids: ['wf_lease'] }, destination: { type: 'http', url: rx.url } },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const postsFor = (id: string) => rx.requests.filter((r) => r.json?.type === 'scheduled_export' && r.json.schedule_id === id);
    const runsOf = async (id: string) => (await t.app.inject({ url: `/v1/schedules/${id}/runs`, headers: admin() })).json().data as any[];
    async function until<T>(what: string, read: () => Promise<T> | T, done: (v: T) => boolean, ms = 30_000): Promise<T> {
      const end = Date.now() + ms;
      for (let v = await read(); ; v = await read()) {
        if (done(v)) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
        await sleep(20);
      }
    }

    it('a destination that holds its answer for 3 leases: the upload keeps the lease, is posted once and recorded once, and no other worker claims the schedule meanwhile', async () => {
      const holdMs = 3 * LEASE_SECONDS * 1000;
      rx.answer = (r) => ({ status: 204, delayMs: r.json?.type === 'scheduled_export' ? holdMs : 0 });
      const id = await createSchedule('slow destination');
      const [post] = await until('the upload to start', () => postsFor(id), (p) => p.length === 1);
      const [run] = await until('the upload to be recorded', () => runsOf(id), (r) => r.length === 1 && r[0].uploaded_at !== null, holdMs + 20_000);
      expect(run.status).toBe('completed');
      // Recorded only once the destination answered.
      expect(Date.parse(run.uploaded_at)).toBeGreaterThanOrEqual(post.at + holdMs - 50);
      expect(postsFor(id)).toHaveLength(1);
      expect(postsFor(id)[0].headers['idempotency-key']).toBe(`${id}:${run.id}`);
      // The claim that posted held the schedule until the answer; nobody claimed it in between.
      const uploader = claims.find((c) => c.scheduleId === id && c.claimedAt <= post.at && (c.endedAt ?? Infinity) >= post.at + holdMs - 50);
      expect(uploader, JSON.stringify(claims)).toBeDefined();
      expect(claims.filter((c) => c.scheduleId === id && c.claimedAt > uploader!.claimedAt && c.claimedAt < uploader!.endedAt!)).toEqual([]);
      const view = (await t.app.inject({ url: `/v1/schedules/${id}`, headers: admin() })).json();
      expect(view.last_error).toBeNull();
    });

    it('a worker that loses the lease mid-upload aborts it and records nothing; the next holder uploads it again under the same key', async () => {
      const holdMs = 10_000;
      let held = true;
      rx.answer = (r) => ({ status: 204, delayMs: r.json?.type === 'scheduled_export' && held ? holdMs : 0 });
      const id = await createSchedule('lost lease');
      const [first] = await until('the upload to start', () => postsFor(id), (p) => p.length === 1);
      held = false;
      // Another worker takes the schedule (the fencing token moves on) and holds it for a second.
      const takenAt = Date.now();
      await t.store.db.updateTable('schedules').set((eb) => ({ attempt: eb('attempt', '+', 1), lease_owner: 'another-worker', lease_expires_at: takenAt + 1000 })).where('id', '=', id).execute();
      const stale = claims.find((c) => c.scheduleId === id && c.claimedAt <= first.at && c.endedAt === undefined);
      expect(stale, JSON.stringify(claims)).toBeDefined();
      // The stale worker's heartbeat notices within a third of a lease and stops, long before the destination would answer.
      await until('the stale run to stop', () => stale!.endedAt, (at) => at !== undefined, holdMs);
      expect(stale!.endedAt! - takenAt).toBeLessThan(LEASE_SECONDS * 1000 + 1000);
      expect((await runsOf(id))[0].uploaded_at).toBeNull();
      // Once that lease runs out, a worker claims the schedule and uploads the run again, the same key.
      const [run] = await until('the upload to be recorded', () => runsOf(id), (r) => r.length === 1 && r[0].uploaded_at !== null);
      const posts = postsFor(id);
      expect(posts).toHaveLength(2);
      expect(posts.map((p) => p.headers['idempotency-key'])).toEqual([`${id}:${run.id}`, `${id}:${run.id}`]);
      expect(Date.parse(run.uploaded_at)).toBeGreaterThanOrEqual(posts[1].at);
      expect(Date.parse(run.uploaded_at)).toBeLessThan(first.at + holdMs);
    });
  });
}
