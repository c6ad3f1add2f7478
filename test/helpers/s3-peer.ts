import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The part of s3rver's (untyped, CommonJS) API the tests use. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;

/** A running S3 peer: endpoint, bucket and the credentials it accepts. */
export interface S3Peer {
  readonly endpoint: string;
  readonly bucket: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** Keys of the bucket's objects under `prefix`, sorted. */
  list(prefix?: string): Promise<string[]>;
  /** One object's bytes. */
  read(key: string): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Starts s3rver on 127.0.0.1, a random port and a temp directory, with `bucket` created.
 * @example const s3 = await startS3Peer('exports'); … await s3.close();
 */
export async function startS3Peer(bucket = 'sluice-test'): Promise<S3Peer> {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
    // Path-style only: a named endpoint (a stub-resolved host) must not be taken for a bucket name.
    vhostBuckets: false,
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  // s3rver's built-in account.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  return {
    endpoint,
    bucket,
    credentials,
    async list(prefix = '') {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (out.Contents ?? []).map((o) => o.Key!).sort();
    },
    async read(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Opens the peer's bucket as a Sluice blob store (the tests read what Sluice wrote through it). */
async function peerBucket(peer: S3Peer) {
  const { createS3Store } = await import('../../src/storage/s3-store.js');
  return createS3Store({ bucket: peer.bucket, prefix: '', endpoint: peer.endpoint, client: { region: 'us-east-1', credentials: peer.credentials } });
}

/** The bytes of one object in the peer's bucket. */
export async function readPeerObject(peer: S3Peer, key: string): Promise<Buffer> {
  const bucket = await peerBucket(peer);
  try {
    const blob = await bucket.open(key);
    const chunks: Buffer[] = [];
    for await (const c of blob.body) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  } finally {
    await bucket.close?.();
  }
}

/** Every key in the peer's bucket (or another bucket of the peer) under `prefix`, sorted. */
export async function listPeerKeys(peer: S3Peer, prefix: string, bucket = peer.bucket): Promise<string[]> {
  const { S3Client, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ endpoint: peer.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: peer.credentials });
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  } finally {
    client.destroy();
  }
}

/** Creates another bucket on the peer (a destination that did not exist comes into being). */
export async function createPeerBucket(peer: S3Peer, bucket: string): Promise<void> {
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ endpoint: peer.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: peer.credentials });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}
