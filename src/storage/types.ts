import type { Readable } from 'node:stream';

/** Facts about a stored object. */
export interface BlobInfo {
  readonly bytes: number;
  readonly sha256: string;
}

/** Options for a download link. */
export interface DownloadOptions {
  /** The file name the browser saves as (Content-Disposition: attachment). */
  readonly filename: string;
  readonly contentType: string;
  readonly ttlSeconds: number;
  /** The origin the caller reached Sluice at; links served by Sluice itself use it unless a public URL is configured. */
  readonly baseUrl?: string;
}

/** A byte range, both ends inclusive (as in HTTP Range). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** An opened object: its bytes (the whole object or the range asked for) and what a download answer needs. */
export interface OpenedBlob {
  readonly body: Readable;
  /** Size of the whole object. */
  readonly size: number;
  readonly lastModified: Date;
  /** A validator for If-Range / If-None-Match. */
  readonly etag: string;
}

/** What the sweeper asks a store to clear: unfinished writes older than `olderThan` of attempts no longer live. */
export interface IncompleteSweep {
  /** Epoch ms: only writes last touched (temp files) or started (multipart uploads) before this go. */
  readonly olderThan: number;
  /** Whether the attempt owning a key directory (`org/export/attempt`) still holds its lease. */
  isLive(attemptDir: string): boolean;
}

/** The object does not exist (expired, deleted, or never written). */
export class BlobMissing extends Error {
  constructor(readonly key: string) {
    super(`no stored object at ${key}`);
  }
}

/** What a `put` is told besides the bytes. */
export interface PutMeta {
  contentType: string;
  /** The body is made on the main thread: hash it on the hashing thread (see digest.ts). */
  hashOffThread?: boolean;
}

/**
 * Where export files live. Objects appear atomically: a reader sees the whole file or nothing.
 * Keys are relative paths like `org_1/exp_123/1/sluice-workflow_runs-….csv`.
 */
export interface BlobStore {
  /** Streams `body` into `key`, computing size and sha256 on the way; publishes only when complete. */
  put(key: string, body: Readable, meta: PutMeta): Promise<BlobInfo>;
  /** A URL the caller can GET without other credentials until it expires. */
  downloadUrl(key: string, options: DownloadOptions): Promise<string>;
  /** Streams the object (or `range` of it); throws BlobMissing when there is none. */
  open(key: string, range?: ByteRange): Promise<OpenedBlob>;
  /** Size and validators without the body; throws BlobMissing when there is none. */
  stat(key: string): Promise<Omit<OpenedBlob, 'body'>>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Deletes every object under `prefix` (an export's `org/export/` directory), finished or not. */
  deletePrefix(prefix: string): Promise<void>;
  /** Removes unfinished writes of dead attempts (temp files, incomplete multipart uploads); returns how many. */
  sweepIncomplete(options: IncompleteSweep): Promise<number>;
  /** Releases clients. */
  close?(): Promise<void>;
}
