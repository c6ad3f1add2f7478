import { createHmac, timingSafeEqual } from 'node:crypto';
import { Forbidden, Gone } from '../errors.js';

/** What a download token grants: one key, until `expiresAt`, saved as `filename` with `contentType`. */
export interface DownloadTokenPayload {
  readonly key: string;
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly filename: string;
  readonly contentType: string;
}

/** Domain separation: the same config secret also keys sessions and webhooks. */
const CONTEXT = 'sluice:download-token:v1';

/**
 * Signs a payload into a URL-safe token `<base64url(json)>.<base64url(hmac-sha256)>`.
 * @example signDownloadToken(secret, { key, expiresAt: nowSec + 3600, filename: 'a.csv', contentType: 'text/csv' })
 */
export function signDownloadToken(secret: string, payload: DownloadTokenPayload): string {
  const body = Buffer.from(
    JSON.stringify({ k: payload.key, e: payload.expiresAt, f: payload.filename, t: payload.contentType }),
  ).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/**
 * Checks a token's signature, then its expiry. `now` is epoch ms.
 * Throws `Forbidden` for garbage or tampered tokens and `Gone` for genuine but expired ones.
 * @example const { key, filename } = verifyDownloadToken(config.secret, token, Date.now());
 */
export function verifyDownloadToken(secret: string, token: string, now: number = Date.now()): DownloadTokenPayload {
  const dot = typeof token === 'string' ? token.indexOf('.') : -1;
  if (dot <= 0 || token.length > 8192) throw new Forbidden('Invalid download link');
  const body = token.slice(0, dot);
  // Compare the text, not decoded bytes: base64 decoding is lenient, so two spellings could decode alike.
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(secret, body).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Forbidden('Invalid download link');
  const payload = parse(body);
  if (now >= payload.expiresAt * 1000) throw new Gone('This download link has expired');
  return payload;
}

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(CONTEXT).update('\0').update(body).digest();
}

function parse(body: string): DownloadTokenPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new Forbidden('Invalid download link');
  }
  const o = raw as Record<string, unknown> | null;
  if (!o || typeof o.k !== 'string' || typeof o.e !== 'number' || typeof o.f !== 'string' || typeof o.t !== 'string') {
    throw new Forbidden('Invalid download link');
  }
  return { key: o.k, expiresAt: o.e, filename: o.f, contentType: o.t };
}
