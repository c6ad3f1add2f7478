import type { FastifyReply, FastifyRequest } from 'fastify';
import { contentDisposition, type BlobStore, type ByteRange } from '../storage/index.js';

/**
 * One `bytes=` range of a `size`-byte object: `a-b`, `a-` or `-n`. Undefined when the header asks for
 * no range we serve (absent, several ranges, another unit): the whole object is sent. `unsatisfiable`
 * when it starts past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * Answers with a stored object as a download: attachment, never cached, never sniffed; with
 * `ranges`, honours a single Range (206, or 416 with `Content-Range: bytes *\/size`) and If-Range.
 * Throws BlobMissing when the object is gone.
 * @example return sendBlob(req, reply, ctx.blobs, key, { filename, contentType, ranges: true });
 */
export async function sendBlob(
  req: FastifyRequest,
  reply: FastifyReply,
  blobs: BlobStore,
  key: string,
  file: { filename: string; contentType: string; ranges?: boolean },
): Promise<FastifyReply> {
  reply.header('content-type', file.contentType);
  reply.header('content-disposition', contentDisposition(file.filename));
  reply.header('cache-control', 'private, no-store');
  reply.header('x-content-type-options', 'nosniff');
  if (!file.ranges) {
    const blob = await blobs.open(key);
    reply.header('content-length', String(blob.size));
    return reply.send(blob.body);
  }
  const info = await blobs.stat(key);
  reply.header('accept-ranges', 'bytes');
  reply.header('etag', info.etag);
  reply.header('last-modified', info.lastModified.toUTCString());
  const ifRange = header(req, 'if-range');
  // If-Range: serve the range only when the client's copy is this one (same validator, or not older).
  const fresh = ifRange === undefined || ifRange === info.etag || Date.parse(ifRange) >= Math.floor(info.lastModified.getTime() / 1000) * 1000;
  const range = fresh ? parseRange(header(req, 'range'), info.size) : undefined;
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${info.size}`);
    return reply.code(416).send();
  }
  const blob = await blobs.open(key, range);
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    reply.header('content-length', String(range.end - range.start + 1));
  } else {
    reply.header('content-length', String(info.size));
  }
  return reply.send(blob.body);
}
