import type { GuardedAgents } from '../outbound/index.js';

/*
 * Drains (and scheduled uploads) call URLs that admins configure, so every request goes through one
 * injected sender — the guarded outbound client (src/outbound) in production. Nothing in src/drains
 * calls fetch itself.
 */

/** What a drain sends: the subset of fetch's RequestInit it needs. */
export interface SendInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
}

/** A fetch-like client with the outbound guard: the guarded outbound client satisfies it. */
export interface Sender {
  send(url: string, init?: SendInit): Promise<Response>;
  /** Request-time check of a URL (throws a 422 naming the rule). */
  checkOutboundUrl(url: string, field?: string): unknown;
  /** http(s) agents that check, resolve and pin every connection (the S3 SDK connects through them). */
  agents(field?: string): GuardedAgents;
}

/** How much of a destination's answer is kept and shown. */
export const ANSWER_BYTES = 500;

/**
 * Reads at most `limit` bytes of a response body as text and drops the rest (a destination cannot make
 * us buffer a large answer).
 * @example const text = await readBounded(res, 500);
 */
export async function readBounded(res: Response, limit = ANSWER_BYTES): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    /* a broken body: keep what arrived */
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = Buffer.concat(chunks).subarray(0, limit);
  // Never cut a UTF-8 character in half.
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\uFFFD$/, '');
}
