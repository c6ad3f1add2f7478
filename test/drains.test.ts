import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sealSecret } from '../src/auth/crypto.js';
import { validateBatch, writeRows } from '../src/ingest/ingest.js';
import { verifyWebhook } from '../src/notify/webhooks.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { drainApi, run } from './helpers/drains.js';
import { ingest } from './helpers/platform.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { readParquet } from './helpers/readers.js';
import { listPeerKeys, readPeerObject, startS3Peer, type S3Peer } from './helpers/s3-peer.js';
import { DIALECTS } from './helpers/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const dialect of DIALECTS) {
  describe(`drains (${dialect})`, () => {
    let t: TestApp;
    let rx: Receiver;
    let s3: S3Peer;
    const admin = () => bearer(t.orgA.admin.key);
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' });
      s3 = await startS3Peer('drains');
    });
    afterAll(async () => {
      await t?.close();
      await s3?.close();
    });
    beforeEach(async () => {
      await rx?.close();
      rx = await startReceiver();
    });

    const { create, get, until } = drainApi(() => t, () => rx.url);
    const readObject = (key: string) => readPeerObject(s3, key);
    const sourceRunIds = async (prefix: string) =>
      (await t.store.db.selectFrom('workflow_runs').select('id').where('org_id', '=', 'org_a').where('id', 'like', `${prefix}%`).execute()).map((r) => r.id).sort();

    it('delivers signed batches with an idempotency key; an upserted row is delivered again with its new values', async () => {
      await ingest(t, 'workflow_runs', [run('sig_1'), run('sig_2', { credit_cost: 2 })]);
      const res = await create({ fields: ['run_id', 'credit_cost', 'pl_run_created_ts'], entity_ids: ['wf_1'] });
      expect(res.statusCode, res.body).toBe(201);
      const drain = res.json();
      expect(drain.signing_secret).toMatch(/^whsec_/);
      expect(JSON.stringify(await get(drain.id))).not.toContain(drain.signing_secret);
      // What it reads is part of its answer: fields and filters, unset ones null.
      expect(await get(drain.id)).toMatchObject({ fields: ['run_id', 'credit_cost', 'pl_run_created_ts'], timezone: 'UTC', entity_ids: ['wf_1'], workspace_ids: null, include_personal_workspaces: null, category: null });
      await until(drain.id, () => rx.deduplicated().filter((r) => String(r.run_id).startsWith('sig_')).length >= 2);
      const delivery = rx.requests.find((r) => r.json?.records?.length)!;
      expect(verifyWebhook(drain.signing_secret, delivery.headers as any, delivery.body)).toBe(true);
      expect(delivery.headers['x-gumloop-signature']).toBe(createHmac('sha256', drain.signing_secret).update(delivery.body).digest('hex'));
      const { from, to } = delivery.json.sequence;
      expect(delivery.headers['idempotency-key']).toBe(`${drain.id}:${from}-${to}`);
      expect(delivery.headers['x-sluice-drain-id']).toBe(drain.id);
      expect(delivery.headers['x-gumloop-data-type']).toBe('workflow_runs');
      expect(delivery.json).toMatchObject({ source: 'sluice', drain_id: drain.id, drain_name: 'runs', data_type: 'workflow_runs' });
      expect(delivery.json.records[0]).toEqual({ run_id: 'sig_1', credit_cost: 1, pl_run_created_ts: '2025-03-01T10:00:00.000Z', _sequence: expect.any(Number) });

      await ingest(t, 'workflow_runs', [run('sig_1', { credit_cost: 9 })]);
      await until(drain.id, async () => rx.deduplicated().some((r) => r.run_id === 'sig_1' && r.credit_cost === 9) && (await get(drain.id)).cursor > to);
      const view = await get(drain.id);
      expect(view.status).toBe('active');
      expect(view.cursor).toBeGreaterThan(to);
      const log = (await t.app.inject({ url: `/v1/drains/${drain.id}/deliveries`, headers: admin() })).json().data;
      expect(log[0]).toMatchObject({ ok: true, records: 1, attempts: 1, destination_status: 200, destination_response: '{"ok":true}' });
      expect(log[0].sequence.from).toBeGreaterThan(log[log.length - 1].sequence.to);

      // Replay re-delivers a range without moving the cursor.
      const before = rx.requests.length;
      const replay = await t.app.inject({ method: 'POST', url: `/v1/drains/${drain.id}/replay`, headers: admin(), payload: { from_sequence: 1, to_sequence: view.cursor } });
      expect(replay.statusCode, replay.body).toBe(202);
      await until(drain.id, async () => (await get(drain.id)).replaying === null && rx.requests.length > before);
      expect((await get(drain.id)).cursor).toBe(view.cursor);

      // Gumloop's alias lists it; another org cannot see it.
      const listed = await t.app.inject({ url: '/api/v1/data-drains', headers: admin() });
      expect(listed.json().data.map((d: any) => d.id)).toContain(drain.id);
      expect((await t.app.inject({ url: `/v1/drains/${drain.id}`, headers: bearer(t.orgB.admin.key) })).statusCode).toBe(404);
      expect((await t.app.inject({ url: `/v1/drains`, headers: bearer(t.orgA.member.key) })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/data-drains/${drain.id}`, headers: admin() })).statusCode).toBe(204);
    });

    it('answers 422 with the destination’s status and answer when the preflight is refused', async () => {
      rx.answer = () => ({ status: 401, body: 'bad token '.repeat(100) });
      const res = await create({});
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ error: 'destination_refused', destination_status: 401 });
      expect(res.json().destination_response).toHaveLength(500);
      const bad = await create({ dataset: 'users_usage' });
      expect(bad.statusCode).toBe(422);
    });

    it('delivers every row while 4 writers commit (one holding its transaction open): none skipped, exactly the source rows after dedup', async () => {
      const res = await create({ start: 'now', fields: ['run_id'] });
      const drain = res.json();
      const writer = async (w: number) => {
        for (let b = 0; b < 6; b++) {
          const rows = Array.from({ length: 40 }, (_, i) => run(`cw${w}_${b}_${i}`));
          if (w === 0 && b === 2) {
            await t.store.db.transaction().execute(async (trx) => {
              await writeRows(t.store.dialect, trx, 'org_a', 'workflow_runs', validateBatch('workflow_runs', rows) as any);
              await sleep(500);
            });
          } else {
            await ingest(t, 'workflow_runs', rows);
          }
          await sleep(20);
        }
      };
      const kicking = (async () => {
        for (let i = 0; i < 40; i++) {
          await t.app.inject({ method: 'POST', url: `/v1/drains/${drain.id}/run`, headers: admin() });
          await sleep(40);
        }
      })();
      await Promise.all([writer(0), writer(1), writer(2), writer(3), kicking]);
      const source = await sourceRunIds('cw');
      expect(source).toHaveLength(4 * 6 * 40);
      await until(drain.id, () => new Set(rx.deduplicated().map((r) => r.run_id)).size >= source.length);
      const got = rx.deduplicated().map((r) => r.run_id).sort();
      expect(got).toEqual(source);
    });

    it('stops after 3 failed deliveries (error, paused, email, audit) and resumes from the cursor', async () => {
      const res = await create({ start: 'now', fields: ['run_id'] });
      const drain = res.json();
      rx.answer = () => ({ status: 500, body: 'receiver down' });
      await ingest(t, 'workflow_runs', Array.from({ length: 30 }, (_, i) => run(`fail_${i}`)));
      await until(drain.id, async () => (await get(drain.id)).status === 'error');
      const view = await get(drain.id);
      expect(view).toMatchObject({ status: 'error', consecutive_failures: 3 });
      expect(view.last_error).toContain('500');
      const outbox = join(t.store.dir, 'outbox');
      // The email follows the status change (other drains of this suite may have mailed before it).
      const mails = () => (existsSync(outbox) ? readdirSync(outbox).map((f) => readFileSync(join(outbox, f), 'utf8')) : []);
      const stopped = () => mails().some((m) => m.includes(drain.id) && m.includes('500'));
      for (let i = 0; i < 200 && !stopped(); i++) await sleep(50);
      expect(stopped(), mails().join('\n----\n').slice(0, 3000)).toBe(true);
      const audits = await t.store.db.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', drain.id).execute();
      expect(audits.map((a) => a.action)).toContain('drain.stopped');
      const log = (await t.app.inject({ url: `/v1/drains/${drain.id}/deliveries`, headers: admin() })).json().data;
      expect(log[0]).toMatchObject({ ok: false, destination_status: 500, destination_response: 'receiver down', attempts: 3 });

      rx.answer = () => ({ status: 204 });
      // An edit outside the API's limits is refused, each problem named by its field, and changes nothing.
      const refused = await t.app.inject({ method: 'PATCH', url: `/v1/drains/${drain.id}`, headers: admin(), payload: { status: 'active', name: '', interval_seconds: 5 } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().issues).toEqual([
        { path: 'body.name', message: 'name must be 1 to 200 characters' },
        { path: 'body.interval_seconds', message: 'interval_seconds must be a whole number of seconds from 15 to 600' },
      ]);
      expect((await t.app.inject({ url: `/v1/drains/${drain.id}`, headers: admin() })).json()).toMatchObject({ status: 'error', name: drain.name, interval_seconds: drain.interval_seconds });
      const resumed = await t.app.inject({ method: 'PATCH', url: `/v1/drains/${drain.id}`, headers: admin(), payload: { status: 'active' } });
      expect(resumed.json().status).toBe('active');
      await until(drain.id, () => rx.deduplicated().filter((r) => String(r.run_id).startsWith('fail_')).length >= 30);
      expect(rx.deduplicated().map((r) => r.run_id).sort()).toEqual(await sourceRunIds('fail_'));
    });

    it('writes S3 objects of at most 5,000 records under {prefix}/YYYY/MM/DD/', async () => {
      await ingest(t, 'workflow_runs', Array.from({ length: 50 }, (_, i) => run(`s3_${i}`)));
      const res = await t.app.inject({
        method: 'POST', url: '/v1/drains', headers: admin(),
        payload: {
          name: 'bucket', dataset: 'workflow_runs', start: 'all', fields: ['run_id'], entity_ids: ['wf_1'],
          destination: { type: 's3', bucket: s3.bucket, prefix: 'usage', endpoint: s3.endpoint, region: 'us-east-1', access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey, format: 'jsonl' },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      const drain = res.json();
      expect(JSON.stringify(drain)).not.toContain(s3.credentials.secretAccessKey + '"');
      await until(drain.id, async () => (await get(drain.id)).counts.records > 0);
      const log = (await t.app.inject({ url: `/v1/drains/${drain.id}/deliveries`, headers: admin() })).json().data;
      const key: string = log[0].objects[0];
      expect(key).toMatch(new RegExp(`^usage/\\d{4}/\\d{2}/\\d{2}/${drain.id}_\\d{6}_\\d{6}\\.jsonl$`));
      const lines = (await readObject(key)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.run_id)).toEqual(expect.arrayContaining((await sourceRunIds('s3_'))));
    });

    it("refuses an S3 destination without its own keys (it would write with the server's credentials), for drains and schedules", async () => {
      const keyless = { type: 's3', bucket: s3.bucket, prefix: 'x', endpoint: s3.endpoint, region: 'us-east-1', format: 'jsonl' };
      const cases = [
        ['/v1/drains', { name: 'keyless', dataset: 'workflow_runs', destination: keyless }, 'destination.access_key_id'],
        ['/v1/drains', { name: 'half', dataset: 'workflow_runs', destination: { ...keyless, access_key_id: s3.credentials.accessKeyId } }, 'destination.secret_access_key'],
        ['/v1/schedules', { name: 'keyless', every: 'day', timezone: 'UTC', export: { dataset: 'workflow_runs' }, destination: keyless }, 'destination.access_key_id'],
      ] as const;
      for (const [url, payload, field] of cases) {
        const res = await t.app.inject({ method: 'POST', url, headers: admin(), payload });
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json().message).toBe(`${field} is required: an S3 destination is written with its own access key, never with the server's credentials`);
      }
      expect((await t.app.inject({ url: '/v1/drains', headers: admin() })).json().data.map((d: { name: string }) => d.name)).not.toContain('keyless');
      expect((await t.app.inject({ url: '/v1/schedules', headers: admin() })).json().data.map((d: { name: string }) => d.name)).not.toContain('keyless');
    });

    it('a keyless S3 drain stored before keys were required is refused at delivery: no object written with the server credentials, not retried', async () => {
      const destination = { type: 's3', bucket: s3.bucket, prefix: 'keyless', endpoint: s3.endpoint, region: 'us-east-1', access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey, format: 'jsonl' };
      const created = await t.app.inject({ method: 'POST', url: '/v1/drains', headers: admin(), payload: { name: 'old keyless', dataset: 'workflow_runs', start: 'now', fields: ['run_id'], destination } });
      expect(created.statusCode, created.body).toBe(201);
      const drain = created.json();
      // As an older version stored it: no keys among its sealed secrets. (Nothing to deliver yet: it starts now,
      // so no claim holds the keys it was created with when the row below arrives.)
      await t.store.db.updateTable('drains').set({ secrets: sealSecret(t.config.secret, '{}') }).where('id', '=', drain.id).execute();
      await ingest(t, 'workflow_runs', [run('keyless_1')]);
      await t.app.inject({ method: 'POST', url: `/v1/drains/${drain.id}/run`, headers: admin() });
      await until(drain.id, async () => (await get(drain.id)).last_error !== null);
      const log = (await t.app.inject({ url: `/v1/drains/${drain.id}/deliveries`, headers: admin() })).json().data;
      expect(log[0]).toMatchObject({ ok: false, attempts: 1, error: "The destination was refused: destination.access_key_id is required: an S3 destination is written with its own access key, never with the server's credentials" });
      expect((await listPeerKeys(s3, 'keyless/')).filter((k) => !k.endsWith('_preflight.jsonl'))).toEqual([]);
    });

    it('writes S3 objects as typed Parquet when asked, and refuses gzip for them', async () => {
      await ingest(t, 'workflow_runs', Array.from({ length: 20 }, (_, i) => run(`pq_${i}`)));
      const destination = { type: 's3', bucket: s3.bucket, prefix: 'typed', endpoint: s3.endpoint, region: 'us-east-1', access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey, format: 'parquet' };
      const gz = await t.app.inject({ method: 'POST', url: '/v1/drains', headers: admin(), payload: { name: 'gz', dataset: 'workflow_runs', destination: { ...destination, compression: 'gzip' } } });
      expect(gz.statusCode, gz.body).toBe(422);
      expect(gz.json().message).toBe('parquet files are already compressed, so gzip is not available for them; send compression "none" (or leave it out)');
      const res = await t.app.inject({
        method: 'POST', url: '/v1/drains', headers: admin(),
        payload: { name: 'parquet', dataset: 'workflow_runs', start: 'all', fields: ['run_id', 'credit_cost', 'pl_run_created_ts'], entity_ids: ['wf_1'], destination },
      });
      expect(res.statusCode, res.body).toBe(201);
      const drain = res.json();
      await until(drain.id, async () => (await get(drain.id)).counts.records > 0);
      const log = (await t.app.inject({ url: `/v1/drains/${drain.id}/deliveries`, headers: admin() })).json().data;
      const key: string = log[0].objects[0];
      expect(key).toMatch(new RegExp(`^typed/\\d{4}/\\d{2}/\\d{2}/${drain.id}_\\d{6}_\\d{6}\\.parquet$`));
      const file = await readParquet(await readObject(key));
      expect(file.columns).toEqual([
        { name: 'run_id', type: 'VARCHAR' },
        { name: 'credit_cost', type: 'DOUBLE' },
        { name: 'pl_run_created_ts', type: 'TIMESTAMP WITH TIME ZONE' },
      ]);
      expect(file.rows.map((r) => r.run_id)).toEqual(expect.arrayContaining(await sourceRunIds('pq_')));
      expect(file.rows.every((r) => typeof r.credit_cost === 'number' && r.pl_run_created_ts instanceof Date)).toBe(true);
    });
  });
}
