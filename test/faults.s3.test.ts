import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../src/exports/sweeper.js';
import { StorageFault } from '../src/storage/index.js';
import { createS3Store } from '../src/storage/s3-store.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { sha256, waitFor } from './helpers/faults.js';
import { seedRuns } from './helpers/platform.js';
import { listPeerKeys, startS3Peer, type S3Peer } from './helpers/s3-peer.js';
import { startS3Proxy, type S3Proxy } from './helpers/s3-proxy.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * S3 storage under faults, with s3rver behind a proxy that adds what s3rver lacks (listing and aborting
 * multipart uploads) and injects 5xx answers: the sweep of unfinished uploads really aborts them, and an
 * export whose upload S3 refuses fails that attempt with a clear message and completes on a retry.
 */

const tsxLoader = import.meta.resolve('tsx');

/** Starts uploads of `keys` in a child process, waits until each has sent a part, and SIGKILLs it. */
async function killMidUpload(proxy: S3Proxy, peer: S3Peer, prefix: string, keys: string[]): Promise<void> {
  const env = { ...process.env, CHILD_S3: JSON.stringify({ endpoint: proxy.endpoint, bucket: peer.bucket, prefix, credentials: peer.credentials, keys }) };
  const child = spawn(process.execPath, ['--import', tsxLoader, join(import.meta.dirname, 'helpers/s3-upload-child.ts')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.on('exit', r));
  const full = keys.map((k) => (prefix ? `${prefix}/${k}` : k));
  const sent = await waitFor(() => (full.every((k) => [...proxy.uploads.values()].some((u) => u.key === k && u.parts > 0)) ? true : undefined), 30_000, 20);
  child.kill('SIGKILL');
  await exited;
  expect(sent, `the child never sent a part of every upload: ${stderr}`).toBe(true);
}

const openKeys = (proxy: S3Proxy) => [...proxy.uploads.values()].map((u) => u.key).sort();

describe('S3 unfinished uploads (s3rver behind a multipart-aware proxy)', () => {
  let peer: S3Peer;
  let proxy: S3Proxy;
  const store = () => createS3Store({ bucket: peer.bucket, prefix: 'p', endpoint: proxy.endpoint, client: { region: 'us-east-1', credentials: peer.credentials } });
  beforeAll(async () => {
    peer = await startS3Peer('uploads');
    proxy = await startS3Proxy(peer);
  });
  afterAll(async () => {
    await proxy?.close();
    await peer?.close();
  });

  it('a failed attempt aborts its own multipart upload', async () => {
    const s = store();
    const body = new PassThrough();
    for (let i = 0; i < 9; i++) body.write(Buffer.alloc(1024 * 1024, 98));
    const put = s.put('o/failed/1/f.csv', body, { contentType: 'text/csv' }).catch((e: unknown) => e);
    await waitFor(() => ([...proxy.uploads.values()].some((u) => u.parts > 0) ? true : undefined), 30_000, 20);
    body.destroy(new Error('the database stream broke'));
    const err = await put;
    expect((err as Error).message).toBe('the database stream broke');
    expect(openKeys(proxy)).toEqual([]);
    await s.close?.();
  });

  it('a killed upload is aborted by the sweep when old and not live; live and young ones stay; deletePrefix aborts the rest', async () => {
    await killMidUpload(proxy, peer, 'p', ['o/e1/1/f.csv', 'o/e2/1/f.csv', 'o/e3/1/f.csv', 'o/e4/1/f.csv']);
    expect(openKeys(proxy)).toEqual(['p/o/e1/1/f.csv', 'p/o/e2/1/f.csv', 'p/o/e3/1/f.csv', 'p/o/e4/1/f.csv']);
    for (const u of proxy.uploads.values()) if (!u.key.includes('/e3/')) u.initiated = new Date(Date.now() - 120_000);
    // One upload per page (the sweep follows the markers), and one upload gone by the time it is
    // aborted (completed or aborted by someone else in between): the sweep goes on with the others.
    proxy.pageSize = 1;
    const gone = [...proxy.uploads.values()].find((u) => u.key.includes('/e4/'))!;
    proxy.fault = (r) => (r.method === 'DELETE' && r.query.get('uploadId') === gone.uploadId ? 404 : undefined);
    const s = store();
    try {
      const aborted = await s.sweepIncomplete({ olderThan: Date.now() - 60_000, isLive: (dir) => dir === 'o/e2/1' });
      expect(aborted).toBe(1);
      expect(openKeys(proxy)).toEqual(['p/o/e2/1/f.csv', 'p/o/e3/1/f.csv', 'p/o/e4/1/f.csv']);
      proxy.fault = () => undefined;
      proxy.uploads.delete(gone.uploadId);
      await s.deletePrefix('o/e2/');
      await s.deletePrefix('o/e3/');
      expect(openKeys(proxy)).toEqual([]);
    } finally {
      proxy.pageSize = 1000;
      proxy.fault = () => undefined;
      await s.close?.();
    }
  });

  it('an S3 error in the sweep or in deleting an export names that, not the upload', async () => {
    const s = store();
    try {
      proxy.fault = (r) => (r.method === 'GET' && r.query.has('uploads') ? 503 : undefined);
      const listing = await s.sweepIncomplete({ olderThan: Date.now(), isLive: () => false }).catch((e: unknown) => e);
      expect(listing).toBeInstanceOf(StorageFault);
      expect((listing as Error).message).toBe('Listing unfinished uploads in S3 failed: SlowDown (HTTP 503)');
      proxy.fault = (r) => (r.method === 'GET' && r.query.get('list-type') === '2' ? 500 : undefined);
      const deleting = await s.deletePrefix('o/gone').catch((e: unknown) => e);
      expect(deleting).toBeInstanceOf(StorageFault);
      expect((deleting as Error).message).toBe("Listing the export's files in S3 failed: InternalError (HTTP 500)");
    } finally {
      proxy.fault = () => undefined;
      await s.close?.();
    }
  });

  it('an S3 error fails the upload as a StorageFault naming the status', async () => {
    proxy.fault = (r) => (r.method === 'PUT' ? 500 : undefined);
    const s = store();
    try {
      const err = await s.put('o/e5/1/f.csv', new PassThrough().end(Buffer.from('a,b\n')), { contentType: 'text/csv' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageFault);
      expect((err as Error).message).toBe('Uploading the export file to S3 failed: InternalError (HTTP 500)');
    } finally {
      proxy.fault = () => undefined;
      await s.close?.();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`S3 export storage under faults (${dialect})`, () => {
    let peer: S3Peer;
    let proxy: S3Proxy;
    beforeAll(async () => {
      peer = await startS3Peer('exports');
      proxy = await startS3Proxy(peer);
      // The AWS SDK reads the export store's credentials from the standard environment, as in production.
      process.env.AWS_ACCESS_KEY_ID = peer.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = peer.credentials.secretAccessKey;
      process.env.AWS_REGION = 'us-east-1';
    });
    afterAll(async () => {
      await proxy?.close();
      await peer?.close();
    });
    const env = () => ({ SLUICE_STORAGE_URL: `s3://${peer.bucket}/exports`, SLUICE_S3_ENDPOINT: proxy.endpoint });

    it('the sweeper aborts the upload of a killed attempt, keeps a live one; deleting the export aborts that', async () => {
      const t = await createTestApp(dialect, env(), { worker: false });
      try {
        const admin = bearer(t.orgA.admin.key);
        const create = async () => (await t.app.inject({ method: 'POST', url: '/v1/exports', headers: admin, payload: { dataset: 'workflow_runs' } })).json().id as string;
        const dead = await create();
        const live = await create();
        // Both were running attempt 1; the worker of `dead` was killed (its lease ran out), `live`'s still beats.
        const running = (id: string, leaseMs: number) =>
          t.store.db.updateTable('exports').set({ status: 'running', attempt: 1, lease_owner: 'w', lease_expires_at: Date.now() + leaseMs }).where('id', '=', id).execute();
        await running(dead, -1000);
        await running(live, 60_000);
        await killMidUpload(proxy, peer, 'exports', [`org_a/${dead}/1/f.csv`, `org_a/${live}/1/f.csv`]);
        expect(openKeys(proxy)).toHaveLength(2);

        const { incomplete } = await sweep({ ...t.ctx, config: t.config }, Date.now(), { graceMs: 0 });
        expect(incomplete).toBe(1);
        expect(openKeys(proxy)).toEqual([`exports/org_a/${live}/1/f.csv`]);
        expect((await t.app.inject({ method: 'DELETE', url: `/v1/exports/${live}`, headers: admin })).statusCode).toBe(204);
        expect(openKeys(proxy)).toEqual([]);
        console.info(`[faults] ${dialect} S3: uploader SIGKILLed mid-upload (2 uploads with a part sent), the sweeper aborted the dead attempt's, kept the live one, DELETE aborted it; 0 incomplete uploads left`);
      } finally {
        await t.close();
      }
    });

    it('an S3 outage fails the attempt with a clear message, serves nothing, and the retry completes', async () => {
      let down = true;
      proxy.fault = (r) => (down && r.key.startsWith('exports/') && r.method !== 'GET' && r.method !== 'HEAD' ? (r.method === 'PUT' ? 503 : 500) : undefined);
      const t = await createTestApp(dialect, { ...env(), SLUICE_MAX_ATTEMPTS: '20' });
      try {
        await seedRuns(t, 300);
        const admin = bearer(t.orgA.admin.key);
        const created = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: admin, payload: { dataset: 'workflow_runs', format: 'csv' } });
        expect(created.statusCode, created.body).toBe(202);
        const id = created.json().id as string;
        const row = () => t.store.db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

        const failed = await waitFor(async () => ((await row()).error ? row() : undefined), 60_000, 5);
        expect(failed?.error).toBe('Uploading the export file to S3 failed: SlowDown (HTTP 503); the export will be retried');
        expect(failed?.blob_key).toBe(null);
        expect(proxy.faulted.length).toBeGreaterThan(0);
        expect((await t.app.inject({ url: `/v1/exports/${id}`, headers: admin })).json().status).not.toBe('completed');
        expect((await t.app.inject({ url: `/v1/exports/${id}/download`, headers: admin })).statusCode).toBe(409);
        expect(await listPeerKeys(peer, `exports/org_a/${id}/`)).toEqual([]);

        down = false;
        const done = await waitFor(async () => {
          const r = await row();
          return r.status === 'completed' || r.status === 'failed' ? r : undefined;
        }, 60_000, 20);
        expect(done?.status, String(done?.error)).toBe('completed');
        expect(Number(done!.attempt)).toBeGreaterThanOrEqual(2);
        expect(done!.error).toBe(null);
        // Only the completed attempt's file is in the bucket, and no upload was left open.
        expect(await listPeerKeys(peer, `exports/org_a/${id}/`)).toEqual([`exports/${done!.blob_key}`]);
        expect(openKeys(proxy)).toEqual([]);
        const redirect = await t.app.inject({ url: `/v1/exports/${id}/download`, headers: admin });
        expect(redirect.statusCode).toBe(302);
        const file = Buffer.from(await (await fetch(String(redirect.headers.location))).arrayBuffer());
        expect(sha256(file)).toBe(done!.sha256);
        expect(file.toString('utf8').trim().split('\r\n')).toHaveLength(301);
        console.info(`[faults] ${dialect} S3 outage: ${proxy.faulted.length} S3 requests answered 503/500, ${Number(done!.attempt) - 1} attempt(s) failed with the S3 message, 409 while down, completed on attempt ${done!.attempt} with the right sha256, 0 incomplete uploads`);
      } finally {
        proxy.fault = () => undefined;
        await t.close();
      }
    });
  });
}
