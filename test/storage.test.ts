import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Forbidden, Gone, Invalid } from '../src/errors.js';
import {
  contentDisposition,
  createLocalStore,
  signDownloadToken,
  verifyDownloadToken,
  type BlobStore,
  type LocalBlobStore,
} from '../src/storage/index.js';
import { createS3Store } from '../src/storage/s3-store.js';
import { startS3Peer, type S3Peer } from './helpers/s3-peer.js';

const SECRET = 'test-secret-test-secret-test-secret!';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A stream of `total` random bytes in 64 KiB chunks, plus the bytes for comparison. */
function randomSource(total: number): { stream: Readable; bytes: Buffer } {
  const bytes = randomBytes(total);
  const chunks: Buffer[] = [];
  for (let i = 0; i < total; i += 65536) chunks.push(bytes.subarray(i, i + 65536));
  return { stream: Readable.from(chunks), bytes };
}

/** A stream that sends some bytes and then fails. */
function failingSource(): Readable {
  return Readable.from(
    (async function* () {
      yield Buffer.alloc(100_000, 1);
      await new Promise((r) => setTimeout(r, 10));
      throw new Error('source broke');
    })(),
  );
}

/** Every file under `dir`, relative. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('local blob store', () => {
  let dir: string;
  let store: LocalBlobStore;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-store-'));
    store = createLocalStore({ dir, secret: SECRET, publicUrl: 'http://sluice.test/' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores a stream, reporting its size and sha256, and deletes it', async () => {
    const { stream, bytes } = randomSource(300_000);
    const info = await store.put('org_1/exp_1/1/data.csv', stream, { contentType: 'text/csv' });
    expect(info).toEqual({ bytes: 300_000, sha256: sha256(bytes) });
    expect(readFileSync(store.resolvePath('org_1/exp_1/1/data.csv')).equals(bytes)).toBe(true);
    expect(await store.exists('org_1/exp_1/1/data.csv')).toBe(true);
    await store.delete('org_1/exp_1/1/data.csv');
    expect(await store.exists('org_1/exp_1/1/data.csv')).toBe(false);
    expect(listFiles(dir)).toEqual([]);
  });

  it('leaves neither the file nor a temp file when the source fails midway', async () => {
    await expect(store.put('org_1/exp_2/1/data.csv', failingSource(), { contentType: 'text/csv' })).rejects.toThrow('source broke');
    expect(await store.exists('org_1/exp_2/1/data.csv')).toBe(false);
    expect(listFiles(dir)).toEqual([]);
  });

  it('keeps the previous complete file when a replacement fails', async () => {
    await store.put('org_1/exp_3/1/a.csv', Readable.from([Buffer.from('complete')]), { contentType: 'text/csv' });
    await expect(store.put('org_1/exp_3/1/a.csv', failingSource(), { contentType: 'text/csv' })).rejects.toThrow();
    expect(readFileSync(store.resolvePath('org_1/exp_3/1/a.csv'), 'utf8')).toBe('complete');
  });

  it('refuses keys that could leave the root', () => {
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a\\b', '', 'a/./b', 'a/.tmp-x']) {
      expect(() => store.resolvePath(key), key).toThrow(Invalid);
    }
  });

  it('signs download links that resolve back to the key, filename and type', async () => {
    const url = await store.downloadUrl('org_1/exp_1/1/data.csv', { filename: 'usage.csv', contentType: 'text/csv', ttlSeconds: 60 });
    expect(url).toMatch(/^http:\/\/sluice\.test\/v1\/files\/[\w-]+\.[\w-]+$/);
    const token = url.split('/').pop()!;
    expect(verifyDownloadToken(SECRET, token)).toMatchObject({ key: 'org_1/exp_1/1/data.csv', filename: 'usage.csv', contentType: 'text/csv' });
  });

  it('answers Forbidden for tampered or garbage tokens and Gone for expired ones', () => {
    const now = Date.now();
    const token = signDownloadToken(SECRET, { key: 'k/a.csv', expiresAt: Math.floor(now / 1000) + 60, filename: 'a.csv', contentType: 'text/csv' });
    const [body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ k: 'other/b.csv', e: 9e9, f: 'b.csv', t: 'text/csv' })).toString('base64url');
    expect(() => verifyDownloadToken(SECRET, `${forged}.${sig}`, now)).toThrow(Forbidden);
    expect(() => verifyDownloadToken(SECRET, `${body}.${sig.slice(0, -2)}AA`, now)).toThrow(Forbidden);
    expect(() => verifyDownloadToken('another-secret-another-secret-xx', token, now)).toThrow(Forbidden);
    for (const garbage of ['', '.', 'abc', 'abc.def', '..x']) expect(() => verifyDownloadToken(SECRET, garbage, now)).toThrow(Forbidden);
    expect(() => verifyDownloadToken(SECRET, token, now + 61_000)).toThrow(Gone);
    expect(verifyDownloadToken(SECRET, token, now).key).toBe('k/a.csv');
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name, without paths or quotes', () => {
    expect(contentDisposition('usage.csv')).toBe(`attachment; filename="usage.csv"; filename*=UTF-8''usage.csv`);
    expect(contentDisposition('Zoë "x"/../y.csv')).toBe(`attachment; filename="Zo_ _x__.._y.csv"; filename*=UTF-8''Zo%C3%AB%20%22x%22_.._y.csv`);
    expect(contentDisposition('a\r\nb.csv')).toBe(`attachment; filename="ab.csv"; filename*=UTF-8''ab.csv`);
  });
});

describe('S3 blob store (s3rver)', () => {
  let s3: S3Peer;
  let store: BlobStore;
  beforeAll(async () => {
    s3 = await startS3Peer('exports');
    store = createS3Store({ bucket: s3.bucket, prefix: 'sluice/', endpoint: s3.endpoint, client: { region: 'us-east-1', credentials: s3.credentials } });
  });
  afterAll(async () => {
    await store?.close?.();
    await s3?.close();
  });

  it('uploads a multi-part stream, records sha256 metadata, and serves it through a presigned URL', async () => {
    const { stream, bytes } = randomSource(20 * 1024 * 1024 + 12345); // three 8 MiB parts
    const key = 'org_1/exp_1/1/big.csv';
    const info = await store.put(key, stream, { contentType: 'text/csv; charset=utf-8' });
    expect(info).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
    expect(await store.exists(key)).toBe(true);

    const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: s3.credentials });
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `sluice/${key}` }));
    client.destroy();
    expect(head.Metadata?.sha256).toBe(info.sha256);

    const url = await store.downloadUrl(key, { filename: 'usage ü.csv', contentType: 'text/csv; charset=utf-8', ttlSeconds: 300 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(contentDisposition('usage ü.csv'));
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const body = Buffer.from(await res.arrayBuffer());
    expect(sha256(body)).toBe(info.sha256);

    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
  });

  it('works without a configured region (S3-compatible servers ignore it)', async () => {
    const regionless = createS3Store({ bucket: s3.bucket, prefix: '', endpoint: s3.endpoint, client: { credentials: s3.credentials } });
    await regionless.put('r/x.txt', Readable.from([Buffer.from('x')]), { contentType: 'text/plain' });
    expect(await regionless.exists('r/x.txt')).toBe(true);
    await regionless.close?.();
  });

  it('leaves no object when the source fails', async () => {
    await expect(store.put('org_1/exp_2/1/x.csv', failingSource(), { contentType: 'text/csv' })).rejects.toThrow();
    expect(await store.exists('org_1/exp_2/1/x.csv')).toBe(false);
  });
});
