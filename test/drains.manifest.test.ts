import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainSource } from '../src/drains/source.js';
import { startWorker, type Worker } from '../src/exports/worker.js';
import { createOutboundClient } from '../src/outbound/index.js';
import { manifestKey, verifyManifestSignature } from '../src/schedules/manifest.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingest } from './helpers/platform.js';
import { spawnSluice } from './helpers/processes.js';
import { listPeerKeys, readPeerObject, startS3Peer, type S3Peer } from './helpers/s3-peer.js';
import { DIALECTS } from './helpers/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = (id: string, credit_cost: number) => ({ id, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost, created_at: '2025-03-01T10:00:00Z' });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const dialect of DIALECTS) {
  describe(`S3 drain day manifests (${dialect})`, () => {
    let t: TestApp;
    let s3: S3Peer;
    let worker: Worker;
    /** The drain worker's clock: the test moves it across midnight; each reading is a millisecond later, so log rows keep their order. */
    let now = Date.parse('2026-03-14T10:00:00Z');
    const dir = mkdtempSync(join(tmpdir(), 'sluice-day-'));
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' }, { worker: false });
      s3 = await startS3Peer('lake');
      const deps = { store: t.store, config: t.config, logger: t.ctx.logger, sender: createOutboundClient({ allowlist: t.config.outboundAllowlist }), failureBackoffMs: 50, now: () => now++ };
      worker = startWorker({ store: t.store, config: t.config, blobs: t.ctx.blobs, logger: t.ctx.logger }, { concurrency: 1, pollMs: 20, sources: [drainSource(deps)] });
    });
    afterAll(async () => {
      await worker?.stop();
      await s3?.close();
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const admin = () => bearer(t.orgA.admin.key);
    const get = async (id: string) => (await t.app.inject({ url: `/v1/drains/${id}`, headers: admin() })).json();
    const deliveries = async (id: string) => (await t.app.inject({ url: `/v1/drains/${id}/deliveries`, headers: admin() })).json().data as any[];
    async function until(id: string, done: () => Promise<boolean>) {
      for (let i = 0; i < 600 && !(await done()); i++) {
        await t.app.inject({ method: 'POST', url: `/v1/drains/${id}/run`, headers: admin() });
        await sleep(50);
      }
      expect(await done(), JSON.stringify(await get(id))).toBe(true);
    }
    const maxSeq = async () => Number((await t.store.db.selectFrom('workflow_runs').select((eb) => eb.fn.max('seq').as('m')).where('org_id', '=', 'org_a').executeTakeFirstOrThrow()).m);

    it('writes a signed manifest of each finished day last (files, rows, bytes, sha256, sequence range, credit_cost total); sluice verify checks it', { timeout: 120_000 }, async () => {
      // 30 runs costing 1..30 (465), then 20 costing 0.5 each (10): two objects on 2026-03-14.
      await ingest(t, 'workflow_runs', Array.from({ length: 30 }, (_, i) => run(`day1_${i}`, i + 1)));
      const res = await t.app.inject({
        method: 'POST', url: '/v1/drains', headers: admin(),
        payload: {
          name: 'lake', dataset: 'workflow_runs', start: 'all', fields: ['run_id', 'credit_cost'],
          destination: { type: 's3', bucket: s3.bucket, prefix: 'usage', endpoint: s3.endpoint, region: 'us-east-1', access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey, format: 'jsonl' },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      const id: string = res.json().id;
      const first = await maxSeq();
      await until(id, async () => (await get(id)).cursor === first);
      await ingest(t, 'workflow_runs', Array.from({ length: 20 }, (_, i) => run(`day1b_${i}`, 0.5)));
      const last = await maxSeq();
      await until(id, async () => (await get(id)).cursor === last);
      const day = await listPeerKeys(s3, 'usage/2026/03/14/');
      expect(day).toHaveLength(2);
      expect(day.every((k) => new RegExp(`^usage/2026/03/14/${id}_10\\d{4}_\\d{6}\\.jsonl$`).test(k))).toBe(true);
      // The day is not over: no manifest yet.
      expect((await deliveries(id)).map((d) => d.kind)).toEqual(['delivery', 'delivery']);

      // Past midnight (UTC) with nothing pending: the next run writes the day's manifest, then delivers on.
      now = Date.parse('2026-03-15T00:00:05Z');
      await ingest(t, 'workflow_runs', [run('day2_0', 7)]);
      const third = await maxSeq();
      await until(id, async () => (await get(id)).cursor === third);
      const log = await deliveries(id);
      expect(log.map((d) => d.kind)).toEqual(['delivery', 'manifest', 'delivery', 'delivery']);
      expect(log[1]).toMatchObject({ kind: 'manifest', ok: true, records: 50, sequence: { from: 1, to: last }, objects: [`usage/2026/03/14/${id}_manifest.json`] });
      expect(log[0].objects[0]).toMatch(new RegExp(`^usage/2026/03/15/${id}_000005_\\d{6}\\.jsonl$`));

      const manifestText = await readPeerObject(s3, `usage/2026/03/14/${id}_manifest.json`);
      const manifest = JSON.parse(manifestText.toString('utf8'));
      const objects = await Promise.all(day.map(async (key) => ({ key, bytes: await readPeerObject(s3, key) })));
      const [a, b] = [...log].reverse().filter((d) => d.kind === 'delivery');
      expect(manifest).toEqual({
        version: 1,
        kind: 'drain_day',
        id,
        dataset: 'workflow_runs',
        window: { from: '2026-03-14T00:00:00.000Z', to: '2026-03-14T23:59:59.999Z' },
        sequence: { from: 1, to: last },
        filters: { fields: ['run_id', 'credit_cost'], timezone: 'UTC', workspace_ids: null, include_personal_workspaces: null, entity_ids: null, category: null, scope: 'organization', format: 'jsonl', compression: 'none' },
        files: [
          { name: a.objects[0].split('/').pop(), rows: 30, bytes: objects.find((o) => o.key === a.objects[0])!.bytes.length, sha256: sha256(objects.find((o) => o.key === a.objects[0])!.bytes) },
          { name: b.objects[0].split('/').pop(), rows: 20, bytes: objects.find((o) => o.key === b.objects[0])!.bytes.length, sha256: sha256(objects.find((o) => o.key === b.objects[0])!.bytes) },
        ],
        totals: { rows: 50, credit_cost: 475 },
        created_at: expect.stringMatching(/^2026-03-15T00:00:05\.\d{3}Z$/),
        signature: expect.stringMatching(/^v1,[0-9a-f]{64}$/),
      });
      expect(verifyManifestSignature(manifestKey(t.config.secret), manifest)).toBe(true);
      // The rows the files hold are the rows the manifest counts.
      expect(objects.flatMap((o) => o.bytes.toString('utf8').trim().split('\n')).map((l) => JSON.parse(l).credit_cost).reduce((n, c) => n + c, 0)).toBe(475);
      // Today (2026-03-15) is not over: only yesterday has a manifest.
      expect((await listPeerKeys(s3, 'usage/')).filter((k) => k.endsWith('_manifest.json'))).toEqual([`usage/2026/03/14/${id}_manifest.json`]);

      // `sluice verify` on the downloaded day: the secret from SLUICE_SECRET, or from the data dir as the server keeps it.
      writeFileSync(join(dir, 'manifest.json'), manifestText);
      for (const o of objects) writeFileSync(join(dir, o.key.split('/').pop()!), o.bytes);
      const verify = async (env: Record<string, string>, ...args: string[]) => {
        const p = spawnSluice(['verify', join(dir, 'manifest.json'), ...args], env);
        return { code: await p.exited, output: p.output() };
      };
      const names = manifest.files.map((f: { name: string }) => f.name);
      const ok = await verify({ SLUICE_SECRET: t.config.secret });
      expect(ok.output).toBe(`${names.map((n: string) => `ok      ${n}\n`).join('')}signature: valid\n`);
      expect(ok.code).toBe(0);
      const secretDir = mkdtempSync(join(tmpdir(), 'sluice-secret-'));
      writeFileSync(join(secretDir, 'secret'), `${t.config.secret}\n`);
      const fromDataDir = await verify({ SLUICE_SECRET: '' }, '--data-dir', secretDir);
      expect(fromDataDir.output.trim().split('\n').at(-1)).toBe('signature: valid');
      const unchecked = await verify({ SLUICE_SECRET: '', SLUICE_DATA_DIR: join(secretDir, 'none') });
      expect(unchecked.output.trim().split('\n').at(-1)).toBe('signature: unchecked');
      expect(unchecked.code).toBe(0);
      writeFileSync(join(dir, names[1]), Buffer.concat([objects.find((o) => o.key.endsWith(names[1]))!.bytes, Buffer.from('\n')]));
      const bad = await verify({ SLUICE_SECRET: t.config.secret });
      expect(bad.code).toBe(1);
      expect(bad.output).toContain(`FAILED  ${names[1]}: size`);
      rmSync(secretDir, { recursive: true, force: true });
      // A day with nothing due again keeps its one manifest: no second one is written.
      now = Date.parse('2026-03-15T00:10:00Z');
      await t.app.inject({ method: 'POST', url: `/v1/drains/${id}/run`, headers: admin() });
      await sleep(300);
      expect((await deliveries(id)).filter((d) => d.kind === 'manifest')).toHaveLength(1);
    });
  });
}
