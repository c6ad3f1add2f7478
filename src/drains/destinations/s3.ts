import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import type { Destination } from '../../contract/drains.js';
import { contentType, loadEncoder } from '../../formats/index.js';
import type { BlobStore } from '../../storage/types.js';
import { SUMMED_FIELDS } from '../../schedules/manifest.js';
import { recordWriter } from '../payload.js';
import { Unprocessable } from '../../errors.js';
import type { Sender } from '../sender.js';
import { ownS3Keys } from './secrets.js';
import type { Batch, DeliveryResult, DestinationDriver, DestinationSecrets } from './types.js';

type S3Destination = Extract<Destination, { type: 's3' }>;

/** The UTC day of an instant, YYYY-MM-DD (the day folder its objects go to). */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The sums of credit_cost / amount over a batch's rows, for the fields it delivers. */
function sumsOf(batch: Batch): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const f of SUMMED_FIELDS) if (batch.fields.some((d) => d.name === f)) sums[f] = batch.rows.reduce((n, r) => n + Number(r[f] ?? 0), 0);
  return sums;
}

/** `{prefix}/{YYYY}/{MM}/{DD}/` of an instant (UTC). */
export function dayPrefix(prefix: string, ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${prefix ? `${prefix.replace(/^\/+|\/+$/g, '')}/` : ''}${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/`;
}

/** `{prefix}/{YYYY}/{MM}/{DD}/{drain_id}_{HHMMSS}_{microseconds}.{ext}` for a batch fixed at `micros` (epoch µs). */
export function objectKey(prefix: string, drainId: string, micros: number, ext: string): string {
  const ms = Math.floor(micros / 1000);
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const hhmmss = `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  return `${dayPrefix(prefix, ms)}${drainId}_${hhmmss}_${String(micros % 1_000_000).padStart(6, '0')}.${ext}`;
}

/** The outbound guard, as an S3 destination needs it. */
export type S3Guard = Pick<Sender, 'checkOutboundUrl' | 'agents'>;

/**
 * Opens the destination bucket as a blob store (puts are whole objects: written completely or not at all).
 * The endpoint an org configured is checked again now (the allowlist may have changed since), and the
 * SDK connects only through the guard's agents: each connection resolves the name once, checks every
 * address and is pinned to them, so a rebinding DNS answer never reaches an internal address.
 * The AWS SDK is imported here, on first use, not at start: it is ~20 MB of every process's memory.
 * @example const bucket = await s3Bucket(destination, secrets, outbound);
 */
export async function s3Bucket(destination: S3Destination, secrets: DestinationSecrets, guard: S3Guard): Promise<BlobStore> {
  const keys = ownS3Keys(secrets);
  if (destination.endpoint) guard.checkOutboundUrl(destination.endpoint, 'destination.endpoint');
  const { httpAgent, httpsAgent } = guard.agents('destination.endpoint');
  const { createS3Store } = await import('../../storage/s3-store.js');
  return createS3Store({
    bucket: destination.bucket,
    prefix: '',
    endpoint: destination.endpoint,
    client: {
      requestHandler: { httpAgent, httpsAgent },
      ...(destination.region ? { region: destination.region } : {}),
      credentials: { accessKeyId: keys.access_key_id, secretAccessKey: keys.secret_access_key },
    },
  });
}

/**
 * Writes each batch as one object (≤ 5,000 records) of JSON or JSONL, optionally gzipped, or Parquet. The key is
 * fixed by the batch, so a retry after a crash replaces the object instead of adding a second copy.
 */
export function s3Driver(destination: S3Destination, secrets: DestinationSecrets, guard: S3Guard): DestinationDriver {
  let bucket: Promise<BlobStore> | undefined;
  const gzip = destination.compression === 'gzip';
  const ext = `${destination.format}${gzip ? '.gz' : ''}`;
  return {
    maxRecords: 5000,
    close: async () => {
      // A bucket the guard refused never opened: nothing to close (and its refusal was already reported).
      const opened = await bucket?.catch(() => undefined);
      await opened?.close?.();
    },
    async deliver(batch: Batch, signal: AbortSignal): Promise<DeliveryResult> {
      const bytes = await batchBytes(destination.format, batch, gzip);
      const key = batch.kind === 'preflight' ? `${dayPrefix(destination.prefix, Date.now())}${batch.drainId}_preflight.${ext}` : objectKey(destination.prefix, batch.drainId, batch.fixedAt, ext);
      try {
        signal.throwIfAborted();
        bucket ??= s3Bucket(destination, secrets, guard);
        const info = await (await bucket).put(key, Readable.from([bytes]), { contentType: destination.format === 'parquet' ? contentType('parquet') : destination.format === 'json' ? 'application/json' : 'application/x-ndjson' });
        const object = { key, rows: batch.rows.length, bytes: info.bytes, sha256: info.sha256, from: batch.from, to: batch.to, day: utcDay(Math.floor(batch.fixedAt / 1000)), sums: sumsOf(batch) };
        return { ok: true, attempts: 1, bytes: info.bytes, status: 200, response: null, error: null, retryable: false, objects: [object] };
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        // A refusal (the guard refused the endpoint or an address it resolved to, or the destination has no
        // keys of its own) is final, and its message says why.
        if (err instanceof Unprocessable) return { ok: false, attempts: 1, bytes: bytes.length, status: null, response: null, error: `The destination was refused: ${err.message}`, retryable: false };
        const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        const status = e.$metadata?.httpStatusCode ?? null;
        return { ok: false, attempts: 1, bytes: bytes.length, status, response: (e.message ?? '').slice(0, 500), error: `S3 refused the object: ${e.name ?? 'error'}`, retryable: status === null || RETRY(status) };
      }
    },
  };
}

/** One batch's object: JSON or JSONL text (gzipped when asked), or a Parquet file with the same typed columns as a Parquet export. */
async function batchBytes(format: S3Destination['format'], batch: Batch, gzip: boolean): Promise<Buffer> {
  if (format === 'parquet') {
    const chunks: Buffer[] = [];
    await pipeline(Readable.from([batch.rows]), (await loadEncoder('parquet'))({ fields: batch.fields, timezone: batch.timezone }), new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }));
    return Buffer.concat(chunks);
  }
  const toJson = recordWriter(batch.fields, batch.timezone);
  const lines = batch.rows.map(toJson);
  const text = format === 'json' ? `[${lines.join(',')}]` : lines.map((l) => `${l}\n`).join('');
  return gzip ? gzipSync(text) : Buffer.from(text);
}

const RETRY = (status: number) => status === 408 || status === 429 || status >= 500;
