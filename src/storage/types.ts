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
}

/**
 * Where export files live. Objects appear atomically: a reader sees the whole file or nothing.
 * Keys are relative paths like `org_1/exp_123/1/sluice-workflow_runs-….csv`.
 */
export interface BlobStore {
  readonly kind: 'file' | 's3';
  /** Streams `body` into `key`, computing size and sha256 on the way; publishes only when complete. */
  put(key: string, body: Readable, meta: { contentType: string }): Promise<BlobInfo>;
  /** A URL the caller can GET without other credentials until it expires. */
  downloadUrl(key: string, options: DownloadOptions): Promise<string>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Releases clients. */
  close?(): Promise<void>;
}
