import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3Peer } from './s3-peer.js';

/*
 * A real-HTTP S3 front for s3rver, on 127.0.0.1. Everything is passed through to s3rver, except:
 * - the multipart-upload bookkeeping s3rver lacks: it remembers every CreateMultipartUpload it forwarded
 *   until that upload is completed or aborted, answers ListMultipartUploads from that (paged, with
 *   markers, as S3 does) and answers AbortMultipartUpload itself;
 * - faults: `fault` may answer any request with an S3 error status instead of forwarding it.
 */

/** A multipart upload started through the proxy and neither completed nor aborted. */
export interface OpenUpload {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  /** When it was started; tests may move it back to make it look old. */
  initiated: Date;
  /** Parts uploaded so far. */
  parts: number;
}

/** What a fault rule sees of a request. */
export interface ProxiedRequest {
  readonly method: string;
  readonly bucket: string;
  /** The object key, decoded; '' for bucket-level requests. */
  readonly key: string;
  readonly query: URLSearchParams;
}

export interface S3Proxy {
  /** `http://127.0.0.1:<port>`: use it as the S3 endpoint. */
  readonly endpoint: string;
  /** Open multipart uploads by upload id. */
  readonly uploads: Map<string, OpenUpload>;
  /** Requests answered by `fault` instead of s3rver, in order. */
  readonly faulted: ProxiedRequest[];
  /** Returns an HTTP status (500, 503…) to fail a request with, or undefined to pass it on. */
  fault: (req: ProxiedRequest) => number | undefined;
  /** Uploads per ListMultipartUploads page (S3: 1000). */
  pageSize: number;
  close(): Promise<void>;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const ERROR_CODES: Record<number, string> = { 404: 'NoSuchUpload', 500: 'InternalError', 503: 'SlowDown' };

/**
 * Starts the proxy in front of a running s3rver peer.
 * @example const proxy = await startS3Proxy(peer); proxy.fault = (r) => (r.method === 'PUT' ? 503 : undefined);
 */
export async function startS3Proxy(peer: S3Peer): Promise<S3Proxy> {
  const upstream = new URL(peer.endpoint);
  const state: S3Proxy = {
    endpoint: '',
    uploads: new Map(),
    faulted: [],
    fault: () => undefined,
    pageSize: 1000,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };

  const reply = (res: ServerResponse, status: number, body = '') => {
    res.writeHead(status, body ? { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) } : {});
    res.end(body);
  };
  const s3Error = (res: ServerResponse, status: number, code: string, message: string) =>
    reply(res, status, `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message><RequestId>proxy</RequestId></Error>`);

  /** Forwards to s3rver; `onDone` sees the status and (buffered) body when given, else the answer streams through. */
  const forward = (req: IncomingMessage, res: ServerResponse, onDone?: (status: number, body: Buffer) => void) => {
    const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (!onDone) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        onDone(answer.statusCode ?? 502, body);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(body);
      });
    });
    up.on('error', () => res.destroy());
    req.on('error', () => up.destroy());
    req.pipe(up);
  };

  const listUploads = (res: ServerResponse, bucket: string, query: URLSearchParams) => {
    const prefix = query.get('prefix') ?? '';
    const keyMarker = query.get('key-marker') ?? '';
    const idMarker = query.get('upload-id-marker') ?? '';
    const max = Math.min(Number(query.get('max-uploads') ?? 1000), state.pageSize);
    const all = [...state.uploads.values()]
      .filter((u) => u.bucket === bucket && u.key.startsWith(prefix))
      .sort((a, b) => (a.key === b.key ? a.uploadId.localeCompare(b.uploadId) : a.key < b.key ? -1 : 1))
      .filter((u) => !keyMarker || u.key > keyMarker || (u.key === keyMarker && idMarker !== '' && u.uploadId > idMarker));
    const page = all.slice(0, max);
    const truncated = all.length > page.length;
    const last = page[page.length - 1];
    reply(
      res,
      200,
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
        `<Bucket>${xml(bucket)}</Bucket><KeyMarker>${xml(keyMarker)}</KeyMarker><UploadIdMarker>${xml(idMarker)}</UploadIdMarker>` +
        (truncated ? `<NextKeyMarker>${xml(last.key)}</NextKeyMarker><NextUploadIdMarker>${xml(last.uploadId)}</NextUploadIdMarker>` : '') +
        `<Prefix>${xml(prefix)}</Prefix><MaxUploads>${max}</MaxUploads><IsTruncated>${truncated}</IsTruncated>` +
        page.map((u) => `<Upload><Key>${xml(u.key)}</Key><UploadId>${xml(u.uploadId)}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`).join('') +
        `</ListMultipartUploadsResult>`,
    );
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const seen: ProxiedRequest = { method: req.method ?? 'GET', bucket: decodeURIComponent(bucket), key, query: url.searchParams };
    const status = state.fault(seen);
    if (status !== undefined) {
      state.faulted.push(seen);
      req.resume();
      return void req.on('end', () => s3Error(res, status, ERROR_CODES[status] ?? 'InternalError', `injected by the test proxy (HTTP ${status})`));
    }
    const q = url.searchParams;
    const uploadId = q.get('uploadId');
    if (seen.method === 'GET' && key === '' && q.has('uploads')) return void req.resume().on('end', () => listUploads(res, seen.bucket, q));
    if (seen.method === 'DELETE' && uploadId !== null) {
      // AbortMultipartUpload, which s3rver does not implement: forget the upload (its parts with it).
      const known = state.uploads.get(uploadId);
      return void req.resume().on('end', () => {
        if (!known || known.key !== key) return s3Error(res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
        state.uploads.delete(uploadId);
        reply(res, 204);
      });
    }
    if (seen.method === 'POST' && q.has('uploads')) {
      return forward(req, res, (code, body) => {
        const id = /<UploadId>([^<]+)<\/UploadId>/.exec(body.toString('utf8'))?.[1];
        if (code === 200 && id) state.uploads.set(id, { bucket: seen.bucket, key, uploadId: id, initiated: new Date(), parts: 0 });
      });
    }
    if (seen.method === 'PUT' && uploadId !== null) {
      return forward(req, res, (code) => {
        const open = state.uploads.get(uploadId);
        if (code === 200 && open) open.parts++;
      });
    }
    if (seen.method === 'POST' && uploadId !== null) {
      return forward(req, res, (code) => {
        if (code === 200) state.uploads.delete(uploadId);
      });
    }
    forward(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (state as { endpoint: string }).endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
