import { Readable, addAbortSignal } from 'node:stream';
import type { Config } from '../config/config.js';
import type { Destination } from '../contract/drains.js';
import { zoneOffset } from '../datasets/time.js';
import type { Store } from '../db/database.js';
import type { ExportsTable, SchedulesTable } from '../db/schema.js';
import { standardWebhookHeaders } from '../drains/destinations/http.js';
import { dayPrefix, s3Bucket } from '../drains/destinations/s3.js';
import type { DestinationSecrets } from '../drains/destinations/types.js';
import { openSecrets, parseDestination } from '../drains/model.js';
import { readBounded, type Sender } from '../drains/sender.js';
import { exportManifest } from '../exports/manifest.js';
import { parseParams } from '../exports/model.js';
import { contentType } from '../formats/index.js';
import { Unprocessable } from '../errors.js';
import { OutboundRefused } from '../outbound/index.js';
import type { BlobStore } from '../storage/types.js';
import type { Manifest } from './manifest.js';

export interface UploadDeps {
  readonly store: Store;
  readonly config: Config;
  /** Where the export files are. */
  readonly blobs: BlobStore;
  /** The guarded outbound client (HTTP destinations). */
  readonly sender: Sender;
}

/** An upload the destination did not take; the message is safe to show (it goes to the schedule's last_error). */
export class UploadFailed extends Error {}

/** A download link lives until the export expires, at most the 7 days an S3 presigned URL can. */
const MAX_LINK_SECONDS = 7 * 24 * 3600;

/**
 * Delivers one completed scheduled export to its schedule's destination, the signed manifest last.
 * S3: the file itself, streamed from the blob store, then `<file>.manifest.json`, both under
 * `{prefix}/{YYYY}/{MM}/{DD}/` of the window's first local day. HTTP: one signed JSON POST naming the
 * file (rows, bytes, sha256, a signed download link) with the manifest in it — a link rather than the
 * bytes, because a file can be gigabytes and webhook receivers take small bodies.
 * `signal` aborts the upload in flight (the worker lost the schedule's lease, or is stopping): it then
 * rejects with the signal's reason, and the manifest is not written.
 * @example await uploadRun(deps, schedule, exportRow, abort.signal);
 */
export async function uploadRun(deps: UploadDeps, schedule: SchedulesTable, row: ExportsTable, signal: AbortSignal = new AbortController().signal): Promise<void> {
  if (!schedule.destination || !row.blob_key) return;
  const destination = parseDestination(schedule.destination);
  const secrets: DestinationSecrets = schedule.secrets ? openSecrets(deps.config.secret, schedule.secrets) : {};
  const manifest = exportManifest(deps, row);
  signal.throwIfAborted();
  if (destination.type === 's3') await toBucket(deps, destination, secrets, schedule, row, manifest, signal);
  else await toEndpoint(deps, destination, secrets, schedule, row, manifest, signal);
}

/** The folder of a run in the bucket: the local date of its window's start. */
export function runFolder(prefix: string, schedule: Pick<SchedulesTable, 'timezone'>, row: Pick<ExportsTable, 'params'>): string {
  const from = Date.parse(parseParams(row.params).from);
  return dayPrefix(prefix, from + zoneOffset(from, schedule.timezone));
}

async function toBucket(deps: UploadDeps, destination: Extract<Destination, { type: 's3' }>, secrets: DestinationSecrets, schedule: SchedulesTable, row: ExportsTable, manifest: Manifest, signal: AbortSignal) {
  const folder = runFolder(destination.prefix, schedule, row);
  const blob = await deps.blobs.open(row.blob_key!);
  let bucket: BlobStore | undefined;
  try {
    bucket = await s3Bucket(destination, secrets, deps.sender);
    // Aborting destroys the file's stream, which fails the multipart upload (its parts are removed).
    const info = await bucket.put(`${folder}${row.filename}`, addAbortSignal(signal, blob.body), { contentType: contentType(row.format, row.compression) });
    signal.throwIfAborted();
    if (info.sha256 !== row.sha256) throw new UploadFailed(`The uploaded copy of ${row.filename} does not match the export (sha256 ${info.sha256})`);
    // Written last: a manifest in the bucket means its file is there, complete.
    await bucket.put(`${folder}${row.filename}.manifest.json`, Readable.from([Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)]), { contentType: 'application/json' });
  } catch (err) {
    if (err instanceof UploadFailed) throw err;
    if (signal.aborted) throw signal.reason;
    // A refusal (the outbound guard's, or no keys of its own) is final and says why.
    if (err instanceof Unprocessable) throw new UploadFailed(`The destination was refused: ${err.message}`);
    const e = err as { name?: string; message?: string };
    throw new UploadFailed(`S3 refused the upload of ${row.filename}: ${e.name ?? 'error'}${e.message ? ` (${e.message.slice(0, 200)})` : ''}`);
  } finally {
    blob.body.destroy();
    await bucket?.close?.();
  }
}

async function toEndpoint(deps: UploadDeps, destination: Extract<Destination, { type: 'http' }>, secrets: DestinationSecrets, schedule: SchedulesTable, row: ExportsTable, manifest: Manifest, signal: AbortSignal) {
  const expiresAt = Number(row.expires_at ?? Date.now() + MAX_LINK_SECONDS * 1000);
  const ttlSeconds = Math.max(60, Math.min(MAX_LINK_SECONDS, Math.floor((expiresAt - Date.now()) / 1000)));
  const type = contentType(row.format, row.compression);
  const link = await deps.blobs.downloadUrl(row.blob_key!, { filename: row.filename, contentType: type, ttlSeconds, baseUrl: deps.config.publicUrl });
  const body = JSON.stringify({
    source: 'sluice',
    type: 'scheduled_export',
    schedule_id: schedule.id,
    schedule_name: schedule.name,
    export_id: row.id,
    data_type: row.dataset,
    window: manifest.window,
    file: { name: row.filename, rows: Number(row.record_count), bytes: Number(row.bytes), sha256: row.sha256, content_type: type, download_url: link, expires_at: new Date(Date.now() + ttlSeconds * 1000).toISOString() },
    manifest,
  });
  // One key per run: a repeat after a crash is recognisably the same upload.
  const key = `${schedule.id}:${row.id}`;
  const headers = {
    ...secrets.headers,
    'content-type': 'application/json',
    'user-agent': 'Sluice-Schedule/1',
    'idempotency-key': key,
    'x-sluice-schedule-id': schedule.id,
    'x-sluice-export-id': row.id,
    'x-sluice-data-type': row.dataset,
    ...standardWebhookHeaders(secrets.signing_secret ?? '', key, body),
  };
  let res: Response;
  try {
    res = await deps.sender.send(destination.url, { method: 'POST', headers, body, signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]) });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof OutboundRefused) throw new UploadFailed(`The destination was refused: ${err.message}`);
    const e = err as { code?: string; cause?: { code?: string }; message?: string };
    throw new UploadFailed(`Could not reach the destination: ${e.cause?.code ?? e.code ?? e.message ?? 'network error'}`);
  }
  const answer = await readBounded(res, 200);
  signal.throwIfAborted();
  if (res.status < 200 || res.status >= 300) throw new UploadFailed(`The destination answered ${res.status}${answer ? `: ${answer}` : ''}`);
}
