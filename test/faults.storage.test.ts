import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore, StorageFault } from '../src/storage/index.js';
import { createS3Store } from '../src/storage/s3-store.js';
import { startS3Peer, type S3Peer } from './helpers/s3-peer.js';

const bytes = (n: number) => Readable.from((function* () {
  for (let i = 0; i < n; i += 64 * 1024) yield Buffer.alloc(Math.min(64 * 1024, n - i), 97);
})());
const files = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

describe('a full disk fails the write with a clear message and leaves nothing behind', () => {
  // A real 1 MiB tmpfs: the write fails with ENOSPC exactly as a full export volume does.
  const dir = mkdtempSync(join(tmpdir(), 'sluice-full-'));
  beforeAll(() => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]));
  afterAll(() => {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ENOSPC → StorageFault naming the cause, no temp or partial file; succeeds once space returns', async () => {
    const store = createLocalStore({ dir, secret: 's', publicUrl: 'http://127.0.0.1' });
    const err = await store.put('org/exp/1/big.csv', bytes(4 * 1024 * 1024), { contentType: 'text/csv' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageFault);
    expect((err as Error).message).toMatch(/no space left.*ENOSPC/);
    expect(files(dir)).toEqual([]);
    // Space comes back (a larger volume): the retry writes the file.
    execFileSync('mount', ['-o', 'remount,size=8m', dir]);
    const info = await store.put('org/exp/2/big.csv', bytes(4 * 1024 * 1024), { contentType: 'text/csv' });
    expect(info.bytes).toBe(4 * 1024 * 1024);
    expect(files(dir)).toEqual(['big.csv']);
  });
});

describe('unfinished writes of dead attempts', () => {
  it('are swept when old and not live; a live attempt and a young temp are kept; deletePrefix clears all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-sweep-'));
    const store = createLocalStore({ dir, secret: 's', publicUrl: 'http://127.0.0.1' });
    const put = (rel: string, ageMs: number) => {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), 'x');
      const t = new Date(Date.now() - ageMs);
      utimesSync(join(dir, rel), t, t);
    };
    put('o/e1/1/.tmp-dead', 120_000);
    put('o/e2/1/.tmp-live', 120_000);
    put('o/e3/1/.tmp-young', 1_000);
    put('o/e4/2/file.csv', 120_000);
    put('o/e4/1/.tmp-dead', 120_000);
    const removed = await store.sweepIncomplete({ olderThan: Date.now() - 60_000, isLive: (d) => d === 'o/e2/1' });
    expect(removed).toBe(2);
    expect(files(dir).sort()).toEqual(['.tmp-live', '.tmp-young', 'file.csv']);
    await store.deletePrefix('o/e4/');
    expect(files(dir).sort()).toEqual(['.tmp-live', '.tmp-young']);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('S3 faults (s3rver)', () => {
  let s3: S3Peer;
  beforeAll(async () => (s3 = await startS3Peer('faults')));
  afterAll(async () => s3?.close());

  it('an S3 error fails the upload as a StorageFault', async () => {
    const store = createS3Store({ bucket: 'no-such-bucket', prefix: 'p', endpoint: s3.endpoint, client: { credentials: s3.credentials, region: 'us-east-1' } });
    const err = await store.put('o/e/1/f.csv', bytes(1024), { contentType: 'text/csv' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageFault);
    expect((err as Error).message).toMatch(/S3 failed: NoSuchBucket \(HTTP 404\)/);
    await store.close?.();
  });

  it('sweeping incomplete uploads is a no-op where the server cannot list them (s3rver: NotImplemented)', async () => {
    const store = createS3Store({ bucket: s3.bucket, prefix: 'p', endpoint: s3.endpoint, client: { credentials: s3.credentials, region: 'us-east-1' } });
    await store.put('o/e/1/f.csv', bytes(1024), { contentType: 'text/csv' });
    expect(await store.sweepIncomplete({ olderThan: Date.now(), isLive: () => false })).toBe(0);
    await store.deletePrefix('o/e/');
    expect(await store.exists('o/e/1/f.csv')).toBe(false);
    await store.close?.();
  });
});
