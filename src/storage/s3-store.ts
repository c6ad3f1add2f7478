import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { contentDisposition } from './content-disposition.js';
import { createDigestTap } from './digest.js';
import { s3Fault } from './faults.js';
import { assertSafeKey } from './keys.js';
import { BlobMissing, type BlobInfo, type IncompleteSweep, type BlobStore, type ByteRange, type DownloadOptions, type OpenedBlob, type PutMeta } from './types.js';

export interface S3StoreOptions {
  readonly bucket: string;
  /** Key prefix without slashes at either end; '' for the bucket root. */
  readonly prefix: string;
  /** S3-compatible endpoint (MinIO, R2, …); switches to path-style addressing. */
  readonly endpoint?: string;
  /** Extra client settings (credentials, region) — tests and embedders; normally the AWS environment. */
  readonly client?: S3ClientConfig;
}

// The SDK warns once per process on Node < 22 that releases after January 2027 will need Node 22.
// Sluice supports Node 20, 22 and 24 and pins the SDK through its lockfile, so the warning is only
// noise in every worker's log; the SDK reads this variable when a client is constructed. An operator
// who set it either way keeps their choice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Parts of 8 MiB, two in flight: at most ~16 MiB buffered per upload, whatever the file size (80 GB max). */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;
/** CopyObject's limit; larger objects keep their sha256 only in the database. */
const MAX_COPY_BYTES = 5 * 1024 ** 3;
/** SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
/** What each S3 call outside the upload does, for the message of its failure. */
const DOING = {
  listFiles: "Listing the export's files in S3",
  deleteFiles: "Deleting the export's files in S3",
  listUploads: 'Listing unfinished uploads in S3',
  abortUpload: 'Aborting an unfinished upload in S3',
} as const;

/**
 * Creates a BlobStore on S3-compatible storage: multipart streaming upload, sha256 stored as object
 * metadata `sha256`, presigned GET links that name the download.
 * @example const store = createS3Store({ bucket: 'exports', prefix: 'sluice', endpoint: 'http://minio:9000' });
 */
export function createS3Store(options: S3StoreOptions): BlobStore {
  const { bucket } = options;
  const client = new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    // Checksums only where S3 requires them: many S3-compatible servers reject the newer trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    region: regionOrDefault,
    followRegionRedirects: true,
    ...options.client,
  });
  const prefix = options.prefix.replace(/^\/+|\/+$/g, '');
  const fullKey = (key: string) => (prefix ? `${prefix}/${assertSafeKey(key)}` : assertSafeKey(key));

  const missingUpload = (err: unknown) => {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NoSuchUpload' || e.$metadata?.httpStatusCode === 404;
  };
  const missing = (err: unknown) => {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
  };

  /**
   * An SDK error of `call` as a StorageFault saying what failed, `what` (the upload unless told otherwise):
   * the runner retries those, the sweeper logs them.
   */
  const doing = async <T>(call: () => Promise<T>, what?: string): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw s3Fault(err, what) ?? err;
    }
  };

  /**
   * Aborts multipart uploads under `under` started before `olderThan` whose attempt is not live. A process
   * killed mid-upload leaves one behind, and S3 bills its parts until it is aborted.
   */
  const abortUploads = async (under: string, isLive: IncompleteSweep['isLive'], olderThan: number): Promise<number> => {
    let aborted = 0;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: under, KeyMarker, UploadIdMarker }));
      } catch (err) {
        // Some S3-compatible servers (s3rver among them) do not list uploads: nothing to sweep there.
        if ((err as { name?: string }).name === 'NotImplemented') return aborted;
        throw s3Fault(err, DOING.listUploads) ?? err;
      }
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId) continue;
        const rel = prefix ? u.Key.slice(prefix.length + 1) : u.Key;
        if (isLive(rel.split('/').slice(0, -1).join('/'))) continue;
        if ((u.Initiated?.getTime() ?? 0) >= olderThan) continue;
        try {
          await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
          aborted++;
        } catch (err) {
          // Completed or aborted by someone else since the listing: nothing left to abort; sweep on.
          if (!missingUpload(err)) throw s3Fault(err, DOING.abortUpload) ?? err;
        }
      }
      if (!page.IsTruncated) return aborted;
      KeyMarker = page.NextKeyMarker;
      UploadIdMarker = page.NextUploadIdMarker;
    }
  };

  return {
    async put(key: string, body: Readable, meta: PutMeta): Promise<BlobInfo> {
      const Key = fullKey(key);
      const tap = createDigestTap({ offThread: meta.hashOffThread });
      // The export's own stream failing (the database) is not a storage fault: remember it to tell them apart.
      let sourceError: unknown;
      body.once('error', (err) => (sourceError ??= err));
      // pipeline destroys the tap with the source's error, which makes the upload fail and abort.
      pipeline(body, tap, () => {});
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key, Body: tap, ContentType: meta.contentType },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (err) {
        tap.destroy(); // stops the source too, so nothing keeps running for a failed upload
        throw sourceError ?? s3Fault(err) ?? err;
      }
      const info = tap.info();
      // The hash is known only at the end, after CreateMultipartUpload fixed the metadata: set it by an in-place copy.
      if (info.bytes <= MAX_COPY_BYTES) {
        await doing(() =>
          client.send(
            new CopyObjectCommand({
              Bucket: bucket,
              Key,
              CopySource: `${bucket}/${encodeKey(Key)}`,
              MetadataDirective: 'REPLACE',
              ContentType: meta.contentType,
              Metadata: { sha256: info.sha256 },
            }),
          ),
        );
      }
      return info;
    },

    async downloadUrl(key: string, o: DownloadOptions): Promise<string> {
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: fullKey(key),
        ResponseContentDisposition: contentDisposition(o.filename),
        ResponseContentType: o.contentType,
      });
      return getSignedUrl(client, command, { expiresIn: Math.min(Math.max(1, Math.floor(o.ttlSeconds)), MAX_PRESIGN_SECONDS) });
    },

    async stat(key: string) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: fullKey(key) }));
        return { size: Number(head.ContentLength ?? 0), lastModified: head.LastModified ?? new Date(0), etag: head.ETag ?? '""' };
      } catch (err) {
        if (missing(err)) throw new BlobMissing(key);
        throw err;
      }
    },

    async open(key: string, range?: ByteRange): Promise<OpenedBlob> {
      try {
        const res = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: fullKey(key), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
        );
        const total = range ? Number(/\/(\d+)$/.exec(res.ContentRange ?? '')?.[1] ?? res.ContentLength ?? 0) : Number(res.ContentLength ?? 0);
        return { body: res.Body as Readable, size: total, lastModified: res.LastModified ?? new Date(0), etag: res.ETag ?? '""' };
      } catch (err) {
        if (missing(err)) throw new BlobMissing(key);
        throw err;
      }
    },

    async delete(key: string): Promise<void> {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: fullKey(key) }));
    },

    async deletePrefix(key: string): Promise<void> {
      const Prefix = `${fullKey(key.replace(/\/+$/, ''))}/`;
      for (let token: string | undefined; ; ) {
        const page = await doing(() => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix, ContinuationToken: token })), DOING.listFiles);
        const Objects = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
        if (Objects.length > 0) await doing(() => client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } })), DOING.deleteFiles);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
        if (!token) break;
      }
      await abortUploads(Prefix, () => false, Number.POSITIVE_INFINITY); // the export is gone: no attempt of it is live
    },

    async sweepIncomplete(o: IncompleteSweep): Promise<number> {
      return abortUploads(prefix ? `${prefix}/` : '', o.isLive, o.olderThan);
    },

    async exists(key: string): Promise<boolean> {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: fullKey(key) }));
        return true;
      } catch (err) {
        if (missing(err)) return false;
        throw err;
      }
    },

    async close(): Promise<void> {
      client.destroy();
    },
  };
}

/**
 * The region from the AWS environment/profile, else us-east-1: S3-compatible servers ignore it, and
 * AWS itself redirects (followRegionRedirects), so a missing AWS_REGION should not stop uploads.
 */
async function regionOrDefault(): Promise<string> {
  const probe = new S3Client({});
  try {
    return await probe.config.region();
  } catch {
    return 'us-east-1';
  } finally {
    probe.destroy();
  }
}

/** CopySource is a URL path: encode each segment, keep the slashes. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
