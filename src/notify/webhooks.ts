import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OutboundRefused, type OutboundClient } from '../outbound/index.js';

/**
 * Standard Webhooks (https://www.standardwebhooks.com/): `webhook-id`, `webhook-timestamp` (unix seconds)
 * and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by a `whsec_` secret.
 */

const SECRET_PREFIX = 'whsec_';

/**
 * The signing secret of one org, derived from the config secret so nothing extra is stored;
 * in the standard `whsec_<base64>` form that Standard Webhooks libraries accept.
 * @example webhookSecretFor(config.secret, 'org_1') // 'whsec_…'
 */
export function webhookSecretFor(secret: string, orgId: string): string {
  return SECRET_PREFIX + createHmac('sha256', secret).update(`webhook:${orgId}`).digest('base64');
}

/**
 * The `webhook-signature` value for one delivery attempt.
 * @example signWebhook(whsec, 'msg_1', 1700000000, '{"a":1}') // 'v1,…'
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * Verifies a received webhook: any `v1` signature in the header matches and the timestamp is within
 * `toleranceSeconds` of `now` (replay protection). Header names are matched case-insensitively.
 * @example verifyWebhook(whsec, req.headers, rawBody) // true | false
 */
export function verifyWebhook(
  secret: string,
  headers: Headers | Record<string, string | string[] | undefined>,
  body: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const get = (name: string) => headerValue(headers, name);
  const id = get('webhook-id');
  const timestamp = Number(get('webhook-timestamp'));
  const signatures = get('webhook-signature');
  if (!id || !signatures || !Number.isInteger(timestamp)) return false;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body));
  return signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface DeliveryOptions {
  /** A `whsec_` secret (see webhookSecretFor). */
  readonly secret: string;
  /** Total tries, first included (default 5). */
  readonly attempts?: number;
  /** First retry waits about this long, doubling each time, with jitter (default 1000). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per attempt (default 10 s). */
  readonly timeoutMs?: number;
  /** Stable across retries so receivers can deduplicate (default `msg_<uuid>`). */
  readonly id?: string;
  readonly signal?: AbortSignal;
  /** The guarded outbound client's send: the only way Sluice reaches a URL it was given. */
  readonly send: OutboundClient['send'];
}

export interface DeliveryOutcome {
  readonly ok: boolean;
  readonly id: string;
  readonly attempts: number;
  /** The last HTTP status, if any response arrived. */
  readonly status?: number;
  /** Why the last attempt failed. */
  readonly error?: string;
}

/**
 * POSTs `payload` as signed JSON; retries network errors, timeouts, 5xx, 408 and 429 with exponential
 * backoff and jitter; other statuses are final. Never throws for delivery failures.
 * @example const outcome = await deliverWebhook(url, { type: 'export.completed', data }, { secret });
 */
export async function deliverWebhook(url: string, payload: unknown, options: DeliveryOptions): Promise<DeliveryOutcome> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const base = options.baseDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const id = options.id ?? `msg_${randomUUID().replaceAll('-', '')}`;
  const body = JSON.stringify(payload);
  let last: { status?: number; error?: string; retryAfterMs?: number } = {};

  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) {
      const backoff = Math.min(maxDelay, base * 2 ** (attempt - 2));
      const jittered = backoff / 2 + Math.random() * (backoff / 2);
      const wait = Math.min(maxDelay, Math.max(jittered, last.retryAfterMs ?? 0));
      try {
        await sleep(wait, undefined, { signal: options.signal });
      } catch {
        return { ok: false, id, attempts: attempt - 1, ...pick(last), error: 'aborted' };
      }
    }
    // A fresh timestamp per attempt: receivers reject stale ones.
    const timestamp = Math.floor(Date.now() / 1000);
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
    try {
      // The client follows only 307/308, each target checked like the first; any other 3xx is an
      // OutboundRefused (final, below): it would turn the signed POST into a GET somewhere else.
      const res = await options.send(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Sluice-Webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(options.secret, id, timestamp, body),
        },
        body,
        signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
      });
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { ok: true, id, attempts: attempt, status: res.status };
      last = { status: res.status, error: `HTTP ${res.status}`, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
      if (!isRetryable(res.status)) return { ok: false, id, attempts: attempt, ...pick(last) };
    } catch (err) {
      if (options.signal?.aborted) return { ok: false, id, attempts: attempt, error: 'aborted' };
      // A refused target stays refused: retrying would only repeat the check.
      if (err instanceof OutboundRefused) return { ok: false, id, attempts: attempt, error: err.message };
      const e = err as Error & { code?: string; cause?: { code?: string } };
      last = { error: e.name === 'TimeoutError' ? 'timed out' : (e.code ?? e.cause?.code ?? e.message) };
    }
  }
  return { ok: false, id, attempts, ...pick(last) };
}

function isRetryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function pick(last: { status?: number; error?: string }) {
  return { ...(last.status !== undefined ? { status: last.status } : {}), ...(last.error ? { error: last.error } : {}) };
}

function secretKey(secret: string): Buffer {
  return secret.startsWith(SECRET_PREFIX) ? Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

function headerValue(headers: Headers | Record<string, string | string[] | undefined>, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}
