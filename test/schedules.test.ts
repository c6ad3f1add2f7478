import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyManifest } from '../src/schedules/verify.js';
import { downloadExport } from './helpers/platform.js';
import { verifyManifestSignature, manifestKey } from '../src/schedules/manifest.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingest, waitForExport } from './helpers/platform.js';
import { verifyWebhook } from '../src/notify/webhooks.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { createPeerBucket, listPeerKeys, readPeerObject, startS3Peer, type S3Peer } from './helpers/s3-peer.js';
import { readParquet, readXlsx, serialToWallMs } from './helpers/readers.js';
import { DIALECTS } from './helpers/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`scheduled exports (${dialect})`, () => {
    let t: TestApp;
    let s3: S3Peer;
    let rx: Receiver;
    const today = Date.parse(new Date().toISOString().slice(0, 10));
    const rows: { id: string; workflow_id: string; user_id: string; status: string; credit_cost: number; created_at: string }[] = [];
    for (let d = 3; d >= 1; d--) for (let h = 0; h < 5; h++) rows.push({ id: `sch_${d}_${h}`, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: d + h / 4, created_at: new Date(today - d * DAY + h * 3_600_000).toISOString() });
    // A row on each window edge: exactly one window has it.
    rows.push({ id: 'sch_edge', workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: new Date(today - 2 * DAY).toISOString() });
    /** The first day of the outage: three whole days before today. */
    const start = new Date(today - 3 * DAY).toISOString().slice(0, 10);
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' });
      s3 = await startS3Peer('schedules');
      rx = await startReceiver();
      await ingest(t, 'workflow_runs', rows);
    });
    afterAll(async () => {
      await rx?.close();
      await s3?.close();
      await t?.close();
    });
    const admin = () => bearer(t.orgA.admin.key);
    const create = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/v1/schedules', headers: admin(), payload });
    const runsOf = async (id: string) => (await t.app.inject({ url: `/v1/schedules/${id}/runs`, headers: admin() })).json().data as any[];
    /** Polls the schedule's runs until `done` holds for them. */
    async function runsUntil(id: string, done: (runs: any[]) => boolean, ms = 30_000): Promise<any[]> {
      const end = Date.now() + ms;
      let runs = await runsOf(id);
      while (!done(runs)) {
        if (Date.now() > end) throw new Error(`timed out; schedule: ${JSON.stringify((await t.app.inject({ url: `/v1/schedules/${id}`, headers: admin() })).json())}; runs: ${JSON.stringify(runs)}`);
        await sleep(50);
        runs = await runsOf(id);
      }
      return runs;
    }
    const manifestOf = async (id: string) => (await t.app.inject({ url: `/v1/exports/${id}/manifest`, headers: admin() })).json();

    it('a daily schedule across a 3-day outage catches up 3 contiguous windows, each equal to a one-off export; manifest totals match', async () => {
      const res = await create({ name: 'daily runs', every: 'day', timezone: 'UTC', start, export: { dataset: 'workflow_runs', format: 'csv' } });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id;
      let runs: any[] = [];
      for (let i = 0; i < 200 && runs.length < 3; i++) {
        await sleep(50);
        runs = (await t.app.inject({ url: `/v1/schedules/${id}/runs`, headers: admin() })).json().data;
      }
      expect(runs).toHaveLength(3);
      for (let i = 0; i < 3; i++) {
        expect(runs[i].source).toBe('schedule');
        expect(Date.parse(runs[i].params.from)).toBe(today - (3 - i) * DAY);
        expect(Date.parse(runs[i].params.to)).toBe(today - (2 - i) * DAY - 1);
        if (i > 0) expect(Date.parse(runs[i].params.from)).toBe(Date.parse(runs[i - 1].params.to) + 1);
      }
      // The third export exists a moment before the schedule moves past its window.
      const nextFrom = async () => (await t.app.inject({ url: `/v1/schedules/${id}`, headers: admin() })).json().next_window.from;
      for (let i = 0; i < 100 && (await nextFrom()) !== new Date(today).toISOString(); i++) await sleep(50);
      expect(await nextFrom()).toBe(new Date(today).toISOString());

      let total = 0;
      for (const run of runs) {
        const done = await waitForExport(t, run.id, t.orgA.admin.key);
        expect(done.status).toBe('completed');
        const oneOff = (await t.app.inject({ method: 'POST', url: '/v1/exports', headers: admin(), payload: { dataset: 'workflow_runs', format: 'csv', from: run.params.from, to: run.params.to } })).json();
        const same = await waitForExport(t, oneOff.id, t.orgA.admin.key);
        expect(same.record_count).toBe(done.record_count);
        expect(same.sha256).toBe(done.sha256);
        total += done.record_count;

        const manifest = (await t.app.inject({ url: `/v1/exports/${run.id}/manifest`, headers: admin() })).json();
        expect(verifyManifestSignature(manifestKey(t.config.secret), manifest)).toBe(true);
        expect(manifest.files[0]).toMatchObject({ rows: done.record_count, bytes: done.bytes, sha256: done.sha256 });
        const from = Date.parse(run.params.from);
        const expected = rows.filter((r) => Date.parse(r.created_at) >= from && Date.parse(r.created_at) < from + DAY);
        expect(manifest.totals.rows).toBe(expected.length);
        expect(manifest.totals.credit_cost).toBeCloseTo(expected.reduce((n, r) => n + r.credit_cost, 0), 6);
        // `sluice verify`: the downloaded file matches; a changed byte does not.
        const dir = mkdtempSync(join(tmpdir(), 'sluice-verify-'));
        const file = await downloadExport(t, run.id, t.orgA.admin.key);
        writeFileSync(join(dir, manifest.files[0].name), file.rawPayload);
        expect(await verifyManifest(manifest, dir, t.config.secret)).toMatchObject({ ok: true, signature: 'valid' });
        writeFileSync(join(dir, manifest.files[0].name), Buffer.concat([file.rawPayload.subarray(1), Buffer.from('x')]));
        expect((await verifyManifest(manifest, dir, t.config.secret)).ok).toBe(false);
        expect((await verifyManifest({ ...manifest, totals: { ...manifest.totals, rows: 1 } }, dir, t.config.secret)).signature).toBe('invalid');
      }
      expect(total).toBe(rows.length);
    });

    it('uploads each run to S3: the file, then its manifest, under {prefix}/YYYY/MM/DD/ of the window; sluice verify accepts them', async () => {
      const destination = { type: 's3', bucket: s3.bucket, prefix: 'sched', endpoint: s3.endpoint, region: 'us-east-1', access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey };
      const res = await create({ name: 'to s3', every: 'day', timezone: 'UTC', start, export: { dataset: 'workflow_runs', format: 'jsonl', fields: ['run_id', 'credit_cost'] }, destination });
      expect(res.statusCode, res.body).toBe(201);
      const schedule = res.json();
      expect(schedule.destination).toEqual({ type: 's3', bucket: s3.bucket, prefix: 'sched', endpoint: s3.endpoint, region: 'us-east-1', format: 'jsonl', compression: 'none', credentials: true });
      expect(res.body).not.toContain(s3.credentials.secretAccessKey + '"');
      const runs = await runsUntil(schedule.id, (r) => r.length === 3 && r.every((x) => x.uploaded_at !== null));
      const folders = [3, 2, 1].map((d) => `sched/${new Date(today - d * DAY).toISOString().slice(0, 10).replace(/-/g, '/')}/`);
      expect(await listPeerKeys(s3, 'sched/')).toEqual(runs.flatMap((r, i) => [`${folders[i]}${r.filename}`, `${folders[i]}${r.filename}.manifest.json`]).sort());
      for (const [i, run] of runs.entries()) {
        const file = await readPeerObject(s3, `${folders[i]}${run.filename}`);
        expect(file.length).toBe(run.bytes);
        expect(createHash('sha256').update(file).digest('hex')).toBe(run.sha256);
        expect(file.toString('utf8').trim().split('\n').map((l) => JSON.parse(l).run_id).sort()).toEqual(
          rows.filter((r) => Date.parse(r.created_at) >= today - (3 - i) * DAY && Date.parse(r.created_at) < today - (2 - i) * DAY).map((r) => r.id).sort(),
        );
        const manifest = JSON.parse((await readPeerObject(s3, `${folders[i]}${run.filename}.manifest.json`)).toString('utf8'));
        expect(manifest).toEqual(await manifestOf(run.id));
        const dir = mkdtempSync(join(tmpdir(), 'sluice-s3-verify-'));
        writeFileSync(join(dir, run.filename), file);
        expect(await verifyManifest(manifest, dir, t.config.secret)).toEqual({ ok: true, signature: 'valid', files: [{ name: run.filename, ok: true }] });
      }
    });

    it('a bucket that refuses the upload says why; the upload is retried until it is taken', async () => {
      const destination = { type: 's3', bucket: `later-${dialect}`, endpoint: s3.endpoint, region: 'us-east-1', access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey };
      const res = await create({ name: 'refused', every: 'day', timezone: 'UTC', start: new Date(today - DAY).toISOString().slice(0, 10), export: { dataset: 'workflow_runs' }, destination });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id;
      let view: any;
      for (let i = 0; i < 300 && !view?.last_error; i++) {
        await sleep(50);
        view = (await t.app.inject({ url: `/v1/schedules/${id}`, headers: admin() })).json();
      }
      expect(view.last_error).toMatch(/^S3 refused the upload of sluice-workflow_runs-.*: NoSuchBucket/);
      const runs = await runsOf(id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'completed', uploaded_at: null });
      await createPeerBucket(s3, `later-${dialect}`);
      const [done] = await runsUntil(id, (r) => r[0].uploaded_at !== null);
      const folder = `${new Date(today - DAY).toISOString().slice(0, 10).replace(/-/g, '/')}/`;
      expect(await listPeerKeys(s3, '', `later-${dialect}`)).toEqual([`${folder}${done.filename}`, `${folder}${done.filename}.manifest.json`]);
      expect((await t.app.inject({ url: `/v1/schedules/${id}`, headers: admin() })).json().last_error).toBeNull();
    });

    it('posts each run to an HTTP destination, signed, with the file’s link and the manifest; a failed post is retried', async () => {
      rx.requests.length = 0;
      rx.answer = () => ({ status: 500, body: 'down for maintenance' });
      const res = await create({ name: 'to http', every: 'day', timezone: 'UTC', start, export: { dataset: 'workflow_runs', format: 'csv' }, destination: { type: 'http', url: rx.url, headers: { authorization: 'Bearer hook-token' } } });
      expect(res.statusCode, res.body).toBe(201);
      const schedule = res.json();
      expect(schedule.signing_secret).toMatch(/^whsec_/);
      expect(schedule.destination).toEqual({ type: 'http', url: rx.url, format: 'json', header_names: ['authorization'] });
      const shown = (await t.app.inject({ url: `/v1/schedules/${schedule.id}`, headers: admin() })).body;
      expect(shown).not.toContain(schedule.signing_secret);
      expect(shown).not.toContain('hook-token');
      let view: any;
      for (let i = 0; i < 300 && !view?.last_error; i++) {
        await sleep(50);
        view = (await t.app.inject({ url: `/v1/schedules/${schedule.id}`, headers: admin() })).json();
      }
      expect(view.last_error).toBe('The destination answered 500: down for maintenance');
      rx.answer = () => ({ status: 204 });
      const runs = await runsUntil(schedule.id, (r) => r.length === 3 && r.every((x) => x.uploaded_at !== null));
      expect((await t.app.inject({ url: `/v1/schedules/${schedule.id}`, headers: admin() })).json().last_error).toBeNull();
      const posts = rx.requests.filter((r) => r.json?.type === 'scheduled_export' && r.json.schedule_id === schedule.id);
      // Oldest window first, one post per run.
      expect(posts.map((p) => p.json.export_id)).toEqual(runs.map((r) => r.id));
      for (const [i, post] of posts.entries()) {
        const run = runs[i];
        expect(verifyWebhook(schedule.signing_secret, post.headers as any, post.body)).toBe(true);
        expect(post.headers['idempotency-key']).toBe(`${schedule.id}:${run.id}`);
        expect(post.headers.authorization).toBe('Bearer hook-token');
        expect(post.json).toMatchObject({
          source: 'sluice', schedule_id: schedule.id, schedule_name: 'to http', data_type: 'workflow_runs',
          window: { from: new Date(today - (3 - i) * DAY).toISOString(), to: new Date(today - (2 - i) * DAY - 1).toISOString() },
          file: { name: run.filename, rows: run.record_count, bytes: run.bytes, sha256: run.sha256, content_type: 'text/csv; charset=utf-8' },
        });
        expect(post.json.manifest).toEqual(await manifestOf(run.id));
        expect(verifyManifestSignature(manifestKey(t.config.secret), post.json.manifest)).toBe(true);
        const link = new URL(post.json.file.download_url);
        const file = await t.app.inject({ url: link.pathname + link.search });
        expect(file.statusCode).toBe(200);
        expect(createHash('sha256').update(file.rawPayload).digest('hex')).toBe(run.sha256);
      }
    });

    it('runs on a cron expression in its zone: windows from one firing to the next, contiguous, caught up', async () => {
      // 17:30 in Kolkata (UTC+05:30, no daylight saving) is 12:00 UTC.
      const res = await create({ name: 'cron', cron: '30 17 * * *', timezone: 'Asia/Kolkata', start, export: { dataset: 'workflow_runs', format: 'csv' } });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ every: null, cron: '30 17 * * *', timezone: 'Asia/Kolkata' });
      // The first window is the one containing the start of `start` (its midnight in Kolkata): it began at the firing before.
      const first = today - 4 * DAY + 12 * 3_600_000;
      const expected = Math.floor((Date.now() - first) / DAY);
      const runs = await runsUntil(res.json().id, (r) => r.length >= expected);
      expect(runs).toHaveLength(expected);
      expect(runs.map((r) => [r.params.from, r.params.to])).toEqual(
        Array.from({ length: expected }, (_, i) => [new Date(first + i * DAY).toISOString(), new Date(first + (i + 1) * DAY - 1).toISOString()]),
      );
      const view = (await t.app.inject({ url: `/v1/schedules/${res.json().id}`, headers: admin() })).json();
      expect(view.next_window).toEqual({ from: new Date(first + expected * DAY).toISOString(), to: new Date(first + (expected + 1) * DAY - 1).toISOString() });
    });

    it('POST /v1/schedules/{id}/run exports every window that has ended, now, and leaves an open window alone', async () => {
      const HOUR = 3_600_000;
      // Not across an hour boundary: the open window must stay the same one while the test runs.
      if (Date.now() % HOUR > HOUR - 20_000) await sleep(HOUR - (Date.now() % HOUR) + 100);
      const hour = Math.floor(Date.now() / HOUR) * HOUR;
      const res = await create({ name: 'run now', every: 'hour', timezone: 'UTC', export: { dataset: 'workflow_runs', format: 'csv', fields: ['run_id'] } });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id;
      const run = (key = t.orgA.admin.key, sid = id) => t.app.inject({ method: 'POST', url: `/v1/schedules/${sid}/run`, headers: bearer(key) });
      const stored = () => t.store.db.selectFrom('schedules').select(['run_after', 'lease_owner', 'next_from']).where('id', '=', id).executeTakeFirstOrThrow();
      /** Runs now, then waits until a worker has claimed it and handed it back. */
      const runNow = async () => {
        const answer = await run();
        expect(answer.statusCode, answer.body).toBe(202);
        for (let i = 0; i < 200; i++) {
          const s = await stored();
          if (s.lease_owner === null && Number(s.run_after) > Date.now()) break;
          await sleep(50);
        }
        return answer.json();
      };

      // The current hour is still open: running now exports nothing and the window stays.
      const open = await runNow();
      expect(open).toMatchObject({ id, next_window: { from: new Date(hour).toISOString(), to: new Date(hour + HOUR - 1).toISOString() } });
      expect(Number((await stored()).run_after)).toBe(hour + HOUR);
      expect(await runsOf(id)).toEqual([]);

      // Two ended hours owed but not due until tomorrow (as after a restore): only run now exports them.
      await t.store.db.updateTable('schedules').set({ next_from: hour - 2 * HOUR, run_after: Date.now() + DAY }).where('id', '=', id).execute();
      await sleep(300);
      expect(await runsOf(id)).toEqual([]);
      await runNow();
      const runs = await runsUntil(id, (r) => r.length === 2);
      expect(runs.map((r) => [r.params.from, r.params.to, r.source])).toEqual([
        [new Date(hour - 2 * HOUR).toISOString(), new Date(hour - HOUR - 1).toISOString(), 'schedule'],
        [new Date(hour - HOUR).toISOString(), new Date(hour - 1).toISOString(), 'schedule'],
      ]);
      expect((await t.app.inject({ url: `/v1/schedules/${id}`, headers: admin() })).json().next_window.from).toBe(new Date(hour).toISOString());
      // Running again creates nothing more.
      await runNow();
      expect(await runsOf(id)).toHaveLength(2);

      // Admins of the org only.
      expect((await run(t.orgA.member.key)).statusCode).toBe(403);
      expect((await run(t.orgB.admin.key)).statusCode).toBe(404);
      expect((await run(t.orgA.admin.key, 'sch_missing')).statusCode).toBe(404);
    });

    it('refuses a clock it cannot run, naming the problem', async () => {
      const body = { name: 'bad', timezone: 'UTC', export: { dataset: 'workflow_runs' } };
      const cases: [Record<string, unknown>, string][] = [
        [{ every: 'day', cron: '0 6 * * *' }, 'give exactly one of every (hour | day | week | month) and cron'],
        [{}, 'give exactly one of every (hour | day | week | month) and cron'],
        [{ cron: '*/5 * * * * *' }, 'cron must have five fields (minute hour day-of-month month day-of-week), e.g. "0 6 * * *"; got "*/5 * * * * *"'],
        [{ cron: '0 25 * * *' }, 'cron "0 25 * * *" is not a valid pattern'],
        [{ cron: '0 0 30 2 *' }, 'cron "0 0 30 2 *" never fires'],
        [{ every: 'day', timezone: 'Mars/Olympus' }, "timezone 'Mars/Olympus' is not a known IANA time zone"],
      ];
      for (const [clock, message] of cases) {
        const res = await create({ ...body, ...clock });
        expect([400, 422], res.body).toContain(res.statusCode);
        expect(res.json().message, JSON.stringify(clock)).toContain(message);
      }
      expect((await t.app.inject({ url: '/v1/schedules', headers: admin() })).json().data.map((s: any) => s.name)).not.toContain('bad');
    });

    it('runs scheduled exports as Parquet and XLSX (typed files, named and served as such), and refuses gzip for them when the schedule is created', async () => {
      const yesterday = Date.parse(new Date().toISOString().slice(0, 10)) - DAY;
      const rows = [0, 1, 2].map((h) => ({ id: `sfmt_${h}`, workflow_id: 'wf_fmt', user_id: 'u_admin', status: 'completed', credit_cost: h + 0.25, created_at: new Date(yesterday + h * 3_600_000).toISOString() }));
      await ingest(t, 'workflow_runs', rows);
      const start = new Date(yesterday).toISOString().slice(0, 10);
      const request = { dataset: 'workflow_runs', entity_ids: ['wf_fmt'], fields: ['run_id', 'credit_cost', 'pl_run_created_ts'] };
      for (const format of ['parquet', 'xlsx'] as const) {
        const gz = await t.app.inject({ method: 'POST', url: '/v1/schedules', headers: admin(), payload: { name: `${format} gz`, every: 'day', start, export: { ...request, format, compression: 'gzip' } } });
        expect(gz.statusCode, gz.body).toBe(422);
        expect(gz.json().message).toBe(`${format} files are already compressed, so gzip is not available for them; send compression "none" (or leave it out)`);

        const res = await t.app.inject({ method: 'POST', url: '/v1/schedules', headers: admin(), payload: { name: `daily ${format}`, every: 'day', start, export: { ...request, format } } });
        expect(res.statusCode, res.body).toBe(201);
        let runs: any[] = [];
        for (let i = 0; i < 200 && runs.length < 1; i++) {
          await sleep(50);
          runs = (await t.app.inject({ url: `/v1/schedules/${res.json().id}/runs`, headers: admin() })).json().data;
        }
        expect(runs).toHaveLength(1);
        const done = await waitForExport(t, runs[0].id, t.orgA.admin.key);
        expect(done.status, done.error).toBe('completed');
        expect(done).toMatchObject({ format, compression: 'none', record_count: 3 });
        expect(done.filename).toMatch(new RegExp(`\\.${format}$`));
        const file = await downloadExport(t, done.id, t.orgA.admin.key);
        if (format === 'parquet') {
          expect(file.headers['content-type']).toBe('application/vnd.apache.parquet');
          const p = await readParquet(file.rawPayload);
          expect(p.columns.map((c) => c.type)).toEqual(['VARCHAR', 'DOUBLE', 'TIMESTAMP WITH TIME ZONE']);
          expect(p.rows).toEqual(rows.map((r) => ({ run_id: r.id, credit_cost: r.credit_cost, pl_run_created_ts: new Date(r.created_at) })));
        } else {
          expect(file.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
          const values = readXlsx(file.rawPayload).values('Sheet 1');
          expect(values.map((v, i) => (i === 0 ? v : [v[0], v[1], serialToWallMs(v[2] as number)]))).toEqual([
            ['run_id', 'credit_cost', 'pl_run_created_ts'],
            ...rows.map((r) => [r.id, r.credit_cost, Date.parse(r.created_at)]),
          ]);
        }
      }
    });
  });
}
