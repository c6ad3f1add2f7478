import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Destination } from '../../contract/drains.js';
import { signWebhook } from '../../notify/webhooks.js';
import { OutboundRefused } from '../../outbound/index.js';
import { jsonBatchBody, otlpBatchBody, recordWriter } from '../payload.js';
import { readBounded, type Sender } from '../sender.js';
import type { Batch, DeliveryResult, DestinationDriver, DestinationSecrets } from './types.js';

type HttpDestination = Extract<Destination, { type: 'http' }>;

export interface HttpDriverOptions {
  readonly sender: Sender;
  /** Tries per delivery, first included. */
  readonly tries?: number;
  /** First retry waits this long, doubling. */
  readonly retryBaseMs?: number;
  /** A Retry-After longer than this ends the delivery; the drain tries again after it. */
  readonly maxInlineWaitMs?: number;
}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

/** `Idempotency-Key` of a batch: the same range always has the same key. */
export const idempotencyKey = (drainId: string, from: number, to: number) => `${drainId}:${from}-${to}`;

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The Standard Webhooks headers of a body: `webhook-id` (the idempotency key), `webhook-timestamp` and
 * `webhook-signature` (v1, base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" with the whsec_ secret).
 * @example standardWebhookHeaders(secret, 'drn_1:1-10', body) // { 'webhook-id': 'drn_1:1-10', … }
 */
export function standardWebhookHeaders(secret: string, id: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, id, timestamp, body) };
}

/**
 * POSTs batches as signed JSON (or OTLP/HTTP JSON logs): Standard Webhooks and Gumloop signatures,
 * an idempotency key per sequence range. 2xx acknowledges; 408/429/5xx and network errors are retried
 * with backoff honouring Retry-After; other answers fail at once.
 * @example const driver = httpDriver(destination, secrets, { sender: outbound });
 */
export function httpDriver(destination: HttpDestination, secrets: DestinationSecrets, opts: HttpDriverOptions): DestinationDriver {
  const tries = opts.tries ?? 3;
  const base = opts.retryBaseMs ?? 1000;
  const maxWait = opts.maxInlineWaitMs ?? 30_000;
  const secret = secrets.signing_secret ?? '';
  return {
    maxRecords: 1000,
    async deliver(batch: Batch, signal: AbortSignal): Promise<DeliveryResult> {
      const toJson = recordWriter(batch.fields, batch.timezone);
      const records = batch.rows.map(toJson);
      const info = { drainId: batch.drainId, drainName: batch.drainName, dataType: batch.dataType, from: batch.from, to: batch.to };
      const timeField = batch.fields.find((f) => f.type === 'timestamp')?.name;
      const body = destination.format === 'otlp' ? otlpBatchBody(info, records, batch.rows, timeField) : jsonBatchBody(info, records);
      const key = idempotencyKey(batch.drainId, batch.from, batch.to);
      const bytes = Buffer.byteLength(body);
      let last: DeliveryResult = { ok: false, attempts: 0, bytes, status: null, response: null, error: 'not sent', retryable: true };
      for (let attempt = 1; attempt <= tries; attempt++) {
        const headers: Record<string, string> = {
          ...secrets.headers,
          'content-type': 'application/json',
          'user-agent': 'Sluice-Drain/1',
          'idempotency-key': key,
          'x-sluice-drain-id': batch.drainId,
          'x-sluice-data-type': batch.dataType,
          'x-gumloop-drain-id': batch.drainId,
          'x-gumloop-data-type': batch.dataType,
          ...standardWebhookHeaders(secret, key, body),
          'x-gumloop-signature': createHmac('sha256', secret).update(body).digest('hex'),
        };
        try {
          const res = await opts.sender.send(destination.url, { method: 'POST', headers, body, signal });
          const response = await readBounded(res);
          if (res.status >= 200 && res.status < 300) return { ok: true, attempts: attempt, bytes, status: res.status, response, error: null, retryable: false };
          const retryable = RETRYABLE(res.status);
          last = { ok: false, attempts: attempt, bytes, status: res.status, response, error: `The destination answered ${res.status}`, retryable, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
        } catch (err) {
          if (signal.aborted) throw signal.reason;
          // A refusal by the outbound guard (the URL, an address it resolved to, a redirect) is final, not a network blip.
          if (err instanceof OutboundRefused) {
            last = { ok: false, attempts: attempt, bytes, status: null, response: null, error: `The destination was refused: ${err.message}`, retryable: false };
            break;
          }
          const e = err as { code?: string; cause?: { code?: string }; message?: string; status?: number };
          last = { ok: false, attempts: attempt, bytes, status: null, response: null, error: `Could not reach the destination: ${e.cause?.code ?? e.code ?? e.message ?? 'network error'}`, retryable: true };
        }
        if (!last.retryable || attempt === tries) break;
        const wait = Math.max(base * 2 ** (attempt - 1), last.retryAfterMs ?? 0);
        if (wait > maxWait) break;
        await sleep(wait, undefined, { signal });
      }
      return last;
    },
  };
}
