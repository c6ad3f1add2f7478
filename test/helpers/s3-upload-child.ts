/*
 * A process that starts S3 multipart uploads through Sluice's S3 store and never finishes them: it
 * streams 9 MiB into each key (one 8 MiB part goes out) and then waits to be SIGKILLed, as a worker
 * killed mid-upload would be. Env: CHILD_S3 (JSON: endpoint, bucket, prefix, credentials, keys).
 */
import { PassThrough } from 'node:stream';
import { createS3Store } from '../../src/storage/s3-store.js';

const o = JSON.parse(process.env.CHILD_S3!) as { endpoint: string; bucket: string; prefix: string; credentials: { accessKeyId: string; secretAccessKey: string }; keys: string[] };
const store = createS3Store({ bucket: o.bucket, prefix: o.prefix, endpoint: o.endpoint, client: { region: 'us-east-1', credentials: o.credentials } });
for (const key of o.keys) {
  const body = new PassThrough();
  for (let i = 0; i < 9; i++) body.write(Buffer.alloc(1024 * 1024, 97));
  // Never ended: the upload stays open with its first part sent.
  void store.put(key, body, { contentType: 'text/csv' });
}
process.stdout.write('started\n');
setInterval(() => {}, 60_000);
