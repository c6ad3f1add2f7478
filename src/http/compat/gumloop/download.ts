import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { FastifyReply } from 'fastify';
import { AppError, NotFound } from '../../../errors.js';
import type { ExportRow } from '../../../exports/service.js';
import { contentType } from '../../../formats/index.js';
import { contentDisposition, isLocalStore } from '../../../storage/index.js';
import type { BlobStore } from '../../../storage/types.js';

/** The file is gone (expired, deleted): Gumloop answers 404. */
export class FileGone extends AppError {
  constructor() {
    super(404, 'file_not_found', 'The export file no longer exists (it expired or was deleted); request a new export');
  }
}

/**
 * Opens a completed export's file as a stream: straight from disk for the local store, or through its
 * freshly signed URL for S3. Throws FileGone when the object is missing.
 */
async function openFile(blobs: BlobStore, key: string, signedUrl: string): Promise<Readable> {
  if (isLocalStore(blobs)) {
    const path = blobs.resolvePath(key);
    try {
      if (!(await stat(path)).isFile()) throw new FileGone();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FileGone();
      throw err;
    }
    return createReadStream(path, { highWaterMark: 64 * 1024 });
  }
  const res = await fetch(signedUrl);
  if (res.status === 404 || res.status === 403) throw new FileGone();
  if (!res.ok || !res.body) throw new Error(`object store answered ${res.status} for an export file`);
  return Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
}

/**
 * Answers with the export's file itself (clients of `download=true` expect the CSV body, not a redirect).
 * `signedUrl` comes from the engine's `downloadUrl`, which has checked the state and recorded the download.
 * @example await sendExportFile(reply, ctx.blobs, row, await ctx.exports.downloadUrl(p, row.id));
 */
export async function sendExportFile(reply: FastifyReply, blobs: BlobStore, row: ExportRow, signedUrl: string): Promise<FastifyReply> {
  if (!row.blob_key) throw new NotFound('Export file');
  const body = await openFile(blobs, row.blob_key, signedUrl);
  reply.header('content-type', contentType(row.format as never, row.compression as never));
  reply.header('content-disposition', contentDisposition(row.filename));
  reply.header('cache-control', 'private, no-store');
  reply.header('x-content-type-options', 'nosniff');
  if (row.bytes !== null) reply.header('content-length', String(row.bytes));
  return reply.send(body);
}
