import type { Config } from '../config/config.js';
import { createLocalStore, type LocalBlobStore } from './local-store.js';
import type { BlobStore } from './types.js';

export { BlobMissing, type BlobInfo, type IncompleteSweep, type BlobStore, type ByteRange, type DownloadOptions, type OpenedBlob } from './types.js';
export { createLocalStore, type LocalBlobStore, type LocalStoreOptions } from './local-store.js';
export type { S3StoreOptions } from './s3-store.js';
export { StorageFault } from './faults.js';
export { contentDisposition } from './content-disposition.js';
export { signDownloadToken, verifyDownloadToken, type DownloadTokenPayload } from './signed-url.js';
export { assertSafeKey } from './keys.js';

/**
 * The blob store the config names: a local directory (`file://`) or S3 (`s3://bucket/prefix`).
 * The AWS SDK is loaded only when S3 is configured (it is a good part of the process's memory).
 * @example const store = await createBlobStore(config); await store.put(key, stream, { contentType });
 */
export async function createBlobStore(config: Config): Promise<BlobStore> {
  const s = config.storage;
  if (s.kind === 's3') {
    const { createS3Store } = await import('./s3-store.js');
    return createS3Store({ bucket: s.bucket, prefix: s.prefix, endpoint: s.endpoint });
  }
  return createLocalStore({ dir: s.dir, secret: config.secret, publicUrl: config.publicUrl, publicUrlConfigured: config.publicUrlConfigured });
}
