import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSecrets } from '../src/drains/model.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { drainApi, run } from './helpers/drains.js';
import { ingest } from './helpers/platform.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { readPeerObject, startS3Peer, type S3Peer } from './helpers/s3-peer.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * What a destination sees of a drain: the OTLP body, retries by status (and the wait a Retry-After
 * asks for), batch sizes, where `start` begins, what is stored of its secrets, and rows whose filter
 * depends on a parent (a run's team is its workflow's workspace) that arrives or moves later.
 * Each drain reads its own workflows (entity_ids or a team of its own), so drains of other tests in the
 * suite never deliver these rows.
 */

/** `n` runs of one workflow, ids `<prefix>_00000`…, ingested through the API in batches of 5,000. */
async function ingestRuns(t: TestApp, prefix: string, workflow: string, n: number): Promise<string[]> {
  const rows = Array.from({ length: n }, (_, i) => run(`${prefix}_${String(i).padStart(5, '0')}`, { workflow_id: workflow }));
  for (let i = 0; i < n; i += 5000) await ingest(t, 'workflow_runs', rows.slice(i, i + 5000));
  return rows.map((r) => r.id);
}

for (const dialect of DIALECTS) {
  describe(`drain deliveries (${dialect})`, () => {
    let t: TestApp;
    let rx: Receiver;
    let s3: S3Peer;
    const drains = drainApi(() => t, () => rx.url);
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' });
      s3 = await startS3Peer('drain-deliveries');
    });
    afterAll(async () => {
      await rx?.close();
      await t?.close();
      await s3?.close();
    });
    beforeEach(async () => {
      await rx?.close();
      rx = await startReceiver();
    });
    const created = async (body: Record<string, unknown>) => {
      const res = await drains.create(body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    /** Requests that carried records (the preflight carries none), in arrival order. */
    const batches = () => rx.requests.filter((r) => r.json?.records?.length);
    /** The receiver answers each record-carrying request with the next of `statuses`, then 200. */
    const answering = (...statuses: { status: number; body?: string; headers?: Record<string, string> }[]) => {
      rx.answer = (req) => (req.json?.records?.length ? (statuses.shift() ?? { status: 200, body: '{"ok":true}' }) : { status: 200 });
    };

    it('sends OTLP/HTTP JSON logs: one log record per row, its JSON as the body, the row time as timeUnixNano', async () => {
      await ingest(t, 'workflow_runs', [run('otlp_1', { workflow_id: 'wf_otlp' }), run('otlp_2', { workflow_id: 'wf_otlp', credit_cost: 2.5, created_at: '2025-03-02T08:30:00.250Z' })]);
      const drain = await created({ name: 'otel', fields: ['run_id', 'credit_cost', 'pl_run_created_ts'], entity_ids: ['wf_otlp'], destination: { type: 'http', url: rx.url, format: 'otlp' } });
      const logs = () => rx.requests.filter((r) => r.json?.resourceLogs?.[0]?.scopeLogs?.[0]?.logRecords?.length);
      await drains.until(drain.id, () => logs().length > 0);
      const [request] = logs();
      expect(request.headers['content-type']).toBe('application/json');
      const { from, to } = (await drains.deliveries(drain.id))[0].sequence;
      expect(request.headers['idempotency-key']).toBe(`${drain.id}:${from}-${to}`);
      expect(Object.keys(request.json)).toEqual(['resourceLogs']);
      const [resourceLogs] = request.json.resourceLogs;
      expect(resourceLogs.resource).toEqual({
        attributes: [
          { key: 'service.name', value: { stringValue: 'sluice' } },
          { key: 'sluice.drain_id', value: { stringValue: drain.id } },
          { key: 'sluice.drain_name', value: { stringValue: 'otel' } },
        ],
      });
      expect(resourceLogs.scopeLogs).toHaveLength(1);
      expect(resourceLogs.scopeLogs[0].scope).toEqual({ name: 'sluice.drain', version: '1' });
      const records = resourceLogs.scopeLogs[0].logRecords;
      expect(records).toHaveLength(2);
      const sequences = records.map((r: any) => Number(r.attributes[1].value.intValue));
      expect(records).toEqual([
        {
          timeUnixNano: '1740823200000000000',
          observedTimeUnixNano: expect.stringMatching(/^\d{19}$/),
          severityNumber: 9,
          severityText: 'INFO',
          body: { stringValue: `{"run_id":"otlp_1","credit_cost":1,"pl_run_created_ts":"2025-03-01T10:00:00.000Z","_sequence":${sequences[0]}}` },
          attributes: [{ key: 'sluice.data_type', value: { stringValue: 'workflow_runs' } }, { key: 'sluice.sequence', value: { intValue: String(sequences[0]) } }],
        },
        {
          timeUnixNano: '1740904200250000000',
          observedTimeUnixNano: expect.stringMatching(/^\d{19}$/),
          severityNumber: 9,
          severityText: 'INFO',
          body: { stringValue: `{"run_id":"otlp_2","credit_cost":2.5,"pl_run_created_ts":"2025-03-02T08:30:00.250Z","_sequence":${sequences[1]}}` },
          attributes: [{ key: 'sluice.data_type', value: { stringValue: 'workflow_runs' } }, { key: 'sluice.sequence', value: { intValue: String(sequences[1]) } }],
        },
      ]);
      expect(sequences[0]).toBe(from);
      expect(sequences[1]).toBe(to);
    });

    it('retries a 429 after the Retry-After it names, and a 408; a 400 fails after one attempt', async () => {
      await ingest(t, 'workflow_runs', [run('r429_1', { workflow_id: 'wf_429' })]);
      answering({ status: 429, headers: { 'retry-after': '1' } });
      const limited = await created({ fields: ['run_id'], entity_ids: ['wf_429'] });
      await drains.until(limited.id, async () => (await drains.get(limited.id)).counts.records === 1);
      const [first, second] = rx.requests.filter((r) => String(r.headers['idempotency-key']).startsWith(`${limited.id}:`) && r.headers['idempotency-key'] !== `${limited.id}:0-0`);
      // The retry waited the second the destination asked for, not the 50 ms backoff of this suite.
      expect(second.at - first.at).toBeGreaterThanOrEqual(1000);
      expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
      expect((await drains.deliveries(limited.id))[0]).toMatchObject({ ok: true, attempts: 2, destination_status: 200 });

      await ingest(t, 'workflow_runs', [run('r408_1', { workflow_id: 'wf_408' })]);
      answering({ status: 408 });
      const timedOut = await created({ fields: ['run_id'], entity_ids: ['wf_408'] });
      await drains.until(timedOut.id, async () => (await drains.get(timedOut.id)).counts.records === 1);
      expect((await drains.deliveries(timedOut.id))[0]).toMatchObject({ ok: true, attempts: 2, destination_status: 200, records: 1 });

      // A 400 is not retried within the delivery: it is one failure; the drain's next run delivers the range.
      await ingest(t, 'workflow_runs', [run('r400_1', { workflow_id: 'wf_400' })]);
      answering({ status: 400, body: 'bad record' });
      const refused = await created({ fields: ['run_id'], entity_ids: ['wf_400'] });
      await drains.until(refused.id, async () => (await drains.get(refused.id)).counts.records === 1);
      const log = await drains.deliveries(refused.id);
      expect(log.map((d) => [d.ok, d.attempts, d.destination_status, d.destination_response])).toEqual([
        [true, 1, 200, '{"ok":true}'],
        [false, 1, 400, 'bad record'],
      ]);
      expect(log[0].sequence).toEqual(log[1].sequence);
      expect((await drains.get(refused.id)).status).toBe('active');
    });

    it('sends more than 1,000 rows in requests of at most 1,000 records, contiguous ranges', async () => {
      const ids = await ingestRuns(t, 'big', 'wf_big', 2500);
      const drain = await created({ fields: ['run_id'], entity_ids: ['wf_big'] });
      await drains.until(drain.id, () => new Set(batches().flatMap((r) => r.json.records.map((x: any) => x.run_id))).size >= ids.length);
      const sent = batches();
      expect(sent.map((r) => r.json.records.length)).toEqual([1000, 1000, 500]);
      expect(sent.flatMap((r) => r.json.records.map((x: any) => x.run_id))).toEqual(ids);
      for (let i = 1; i < sent.length; i++) expect(sent[i].json.sequence.from).toBe(sent[i - 1].json.sequence.to + 1);
    });

    it('writes more than 5,000 rows to S3 as objects of at most 5,000 records', { timeout: 60_000 }, async () => {
      const ids = await ingestRuns(t, 'bulk', 'wf_bulk', 7000);
      const drain = await created({
        name: 'bulk', fields: ['run_id'], entity_ids: ['wf_bulk'],
        destination: { type: 's3', bucket: s3.bucket, prefix: 'bulk', endpoint: s3.endpoint, region: 'us-east-1', access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey, format: 'jsonl' },
      });
      await drains.until(drain.id, async () => (await drains.get(drain.id)).counts.records >= ids.length, 60_000);
      const keys = (await drains.deliveries(drain.id)).reverse().flatMap((d) => d.objects);
      const objects = await Promise.all(keys.map(async (k) => (await readPeerObject(s3, k)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l).run_id)));
      expect(objects.map((o) => o.length)).toEqual([5000, 2000]);
      expect(objects.flat()).toEqual(ids);
    });

    it('starts at an ISO date: only rows created from that date on are delivered', async () => {
      const at = (id: string, created_at: string) => run(id, { workflow_id: 'wf_start', created_at });
      await ingest(t, 'workflow_runs', [at('start_before', '2025-03-01T23:59:59.999Z'), at('start_on', '2025-03-02T00:00:00.000Z'), at('start_after', '2025-03-09T12:00:00Z')]);
      const drain = await created({ fields: ['run_id', 'pl_run_created_ts'], entity_ids: ['wf_start'], start: '2025-03-02' });
      expect(drain.cursor).toBe(0);
      // Every row is older than the drain: the first delivery carries every row it will ever deliver of them.
      await drains.until(drain.id, () => batches().length > 0);
      expect(batches().flatMap((r) => r.json.records.map((x: any) => [x.run_id, x.pl_run_created_ts]))).toEqual([
        ['start_on', '2025-03-02T00:00:00.000Z'],
        ['start_after', '2025-03-09T12:00:00.000Z'],
      ]);
    });

    it('a team-filtered drain delivers a run that arrived before its workflow once the workflow arrives, and a run whose workflow moves into the team', async () => {
      const created_at = '2024-01-01T00:00:00Z';
      const workflow = (id: string, workspace_id: string) => ({ id, workspace_id, name: id, enabled: true, created_by: 'u_admin', created_at });
      await ingest(t, 'workspaces', [{ id: 'ws_late', name: 'Late', kind: 'team', created_at }, { id: 'ws_away', name: 'Away', kind: 'team', created_at }]);
      await ingest(t, 'workflows', [workflow('wf_known', 'ws_late'), workflow('wf_moving', 'ws_away')]);
      // Runs of a workflow not known yet and of a workflow in another team, then a run the drain delivers at once.
      await ingest(t, 'workflow_runs', [run('team_early', { workflow_id: 'wf_late' }), run('team_moving', { workflow_id: 'wf_moving' })]);
      await ingest(t, 'workflow_runs', [run('team_known', { workflow_id: 'wf_known' })]);
      const drain = await created({ fields: ['run_id', 'workspace_id'], workspace_ids: ['ws_late'] });
      const delivered = () => batches().filter((r) => r.json.drain_id === drain.id).flatMap((r) => r.json.records.map((x: any) => [x.run_id, x.workspace_id]));
      await drains.until(drain.id, () => delivered().length >= 1);
      expect(delivered()).toEqual([['team_known', 'ws_late']]);

      // The cursor is past both runs now: only a new sequence brings them to the drain.
      await ingest(t, 'workflows', [workflow('wf_late', 'ws_late')]);
      await drains.until(drain.id, () => delivered().length >= 2);
      expect(delivered()[1]).toEqual(['team_early', 'ws_late']);
      await ingest(t, 'workflows', [workflow('wf_moving', 'ws_late')]);
      await drains.until(drain.id, () => delivered().length >= 3);
      expect(delivered()[2]).toEqual(['team_moving', 'ws_late']);

      // A drain of personal workspaces: a run whose workspace arrives after it.
      const personal = await created({ fields: ['run_id', 'workspace_kind'], include_personal_workspaces: true });
      await ingest(t, 'workflows', [workflow('wf_mine', 'ws_mine')]);
      await ingest(t, 'workflow_runs', [run('mine_1', { workflow_id: 'wf_mine' })]);
      await ingest(t, 'workspaces', [{ id: 'ws_known_personal', name: 'Known', kind: 'personal', owner_user_id: 'u_admin', created_at }]);
      await ingest(t, 'workflows', [workflow('wf_known_personal', 'ws_known_personal')]);
      await ingest(t, 'workflow_runs', [run('mine_known', { workflow_id: 'wf_known_personal' })]);
      const mine = () => batches().filter((r) => r.json.drain_id === personal.id).flatMap((r) => r.json.records.map((x: any) => x.run_id));
      await drains.until(personal.id, () => mine().includes('mine_known'));
      await ingest(t, 'workspaces', [{ id: 'ws_mine', name: 'Mine', kind: 'personal', owner_user_id: 'u_admin', created_at }]);
      await drains.until(personal.id, () => mine().includes('mine_1'));
      expect(mine()).toEqual(['mine_known', 'mine_1']);

      // Sent again unchanged, a workflow or workspace re-sequences nothing: nothing is delivered again.
      const cursor = (await drains.get(drain.id)).cursor;
      await ingest(t, 'workflows', [workflow('wf_late', 'ws_late'), workflow('wf_moving', 'ws_late')]);
      await ingest(t, 'workspaces', [{ id: 'ws_late', name: 'Late', kind: 'team', created_at }]);
      // Run now, until a run that began after the re-send has handed the drain back idle.
      const sent = Date.now();
      const idle = async () => {
        const row = await t.store.db.selectFrom('drains').select(['run_after', 'lease_owner']).where('id', '=', drain.id).executeTakeFirstOrThrow();
        return row.lease_owner === null && Number(row.run_after) > sent + 30_000;
      };
      await t.app.inject({ method: 'POST', url: `/v1/drains/${drain.id}/run`, headers: drains.admin() });
      await drains.until(drain.id, idle);
      expect((await drains.get(drain.id)).cursor).toBe(cursor);
      expect(delivered()).toHaveLength(3);
    });

    it('stores no secret in the clear: the signing secret, header values and S3 keys are sealed', async () => {
      const http = await created({ name: 'sealed http', fields: ['run_id'], entity_ids: ['wf_none'], destination: { type: 'http', url: rx.url, headers: { authorization: 'Bearer header-token-4711' } } });
      const bucket = await created({
        name: 'sealed s3', fields: ['run_id'], entity_ids: ['wf_none'],
        destination: { type: 's3', bucket: s3.bucket, prefix: 'sealed', endpoint: s3.endpoint, region: 'us-east-1', access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey, format: 'jsonl' },
      });
      const stored = await t.store.db.selectFrom('drains').selectAll().where('id', 'in', [http.id, bucket.id]).orderBy('name').execute();
      expect(stored.map((r) => r.name)).toEqual(['sealed http', 'sealed s3']);
      for (const row of stored) {
        const text = JSON.stringify(row);
        expect(text).not.toContain(http.signing_secret);
        expect(text).not.toContain(http.signing_secret.slice('whsec_'.length));
        expect(text).not.toContain('header-token-4711');
        expect(text).not.toContain(s3.credentials.secretAccessKey);
      }
      // Sealed, not dropped: the server secret opens them again.
      expect(openSecrets(t.config.secret, stored[0].secrets)).toEqual({ signing_secret: http.signing_secret, headers: { authorization: 'Bearer header-token-4711' } });
      expect(openSecrets(t.config.secret, stored[1].secrets)).toEqual({ access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey });
    });
  });
}
