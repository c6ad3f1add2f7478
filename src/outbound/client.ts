import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { OutboundAllowEntry } from '../config/config.js';
import { OutboundRefused, checkOutboundUrl, type CheckedUrl } from './check.js';
import { guardedLookup, pinnedLookup, resolveChecked, type ResolvedAddress, type Resolver } from './pin.js';

export type { ResolvedAddress, Resolver } from './pin.js';

/*
 * The one HTTP client for every URL Sluice calls on someone's behalf (webhooks, drains, schedules).
 * A URL is checked, its name resolved once and every address checked, and the socket is then opened to
 * exactly those addresses through a pinned `lookup`, so a second DNS answer (rebinding) is never used.
 * Redirects: 307 and 308 (which keep the method and body) are followed, at most 3 in a row, each
 * Location checked, resolved and pinned exactly like the first URL; any other 3xx, or a 4th redirect,
 * fails the request (OutboundRefused, rule `redirect`): a 301/302/303 would turn a signed POST into a
 * GET somewhere else. Every exchange has one deadline (all hops, connect, send, headers and body), and
 * response bodies are read up to a bound.
 */

/** What `send` accepts: the subset of fetch's RequestInit outbound calls need. */
export interface OutboundInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
}

export interface OutboundOptions {
  /** SLUICE_OUTBOUND_ALLOWLIST, as parsed by the config. */
  readonly allowlist: readonly OutboundAllowEntry[];
  readonly resolve?: Resolver;
  /** Deadline of a whole exchange, redirects and body included (default 10 s). */
  readonly timeoutMs?: number;
  /** Largest response body read; more fails the body's stream (default 1 MiB). */
  readonly maxResponseBytes?: number;
}

/** http and https agents whose every connection runs the guard (for SDKs that connect by themselves). */
export interface GuardedAgents {
  readonly httpAgent: http.Agent;
  readonly httpsAgent: https.Agent;
}

/** The guarded client: a request-time check, and a fetch-like send that applies it again at connect time. */
export interface OutboundClient {
  /** Checks a URL without sending anything (request-time validation); throws OutboundRefused naming the rule. */
  checkOutboundUrl(url: string, field?: string): CheckedUrl;
  /** Sends one request to a checked, pinned address, following only 307/308 (checked again); rejects with OutboundRefused before connecting. */
  send(url: string, init?: OutboundInit): Promise<Response>;
  /**
   * Agents for a client that resolves names itself (the AWS SDK's `requestHandler`): each connection
   * checks, resolves and pins as `send` does. IP literals bypass them: check the URL first.
   */
  agents(field?: string): GuardedAgents;
}

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/** Redirects that keep the method and body; the only ones followed. */
const FOLLOWED = new Set([307, 308]);
const MAX_REDIRECTS = 3;
/** Headers a cross-origin redirect drops, as fetch does. */
const ORIGIN_CREDENTIALS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * Creates the guarded outbound client.
 * @example const outbound = createOutboundClient({ allowlist: config.outboundAllowlist }); await outbound.send(url, { method: 'POST', body });
 */
export function createOutboundClient(options: OutboundOptions): OutboundClient {
  const entries = options.allowlist;
  const resolve = options.resolve ?? systemResolver;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024;
  return {
    checkOutboundUrl: (url, field) => checkOutboundUrl(url, entries, field),
    agents(field) {
      const lookup = guardedLookup(entries, resolve, field);
      return { httpAgent: new http.Agent({ keepAlive: true, lookup }), httpsAgent: new https.Agent({ keepAlive: true, lookup }) };
    },
    async send(url, init = {}) {
      let checked = checkOutboundUrl(url, entries);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
      let headers = { ...init.headers };
      for (let redirects = 0; ; redirects++) {
        const pinned = await resolveChecked(checked, resolve, entries, redirects === 0 ? 'url' : 'redirect');
        signal.throwIfAborted();
        const res = await exchange(checked, checked.ipVersion === 0 ? pinned : undefined, { ...init, headers }, signal, maxBytes);
        if (res.status < 300 || res.status > 399) return res;
        await res.body?.cancel().catch(() => {});
        const from = `(HTTP ${res.status} from ${checked.url.origin}${checked.url.pathname}`;
        if (!FOLLOWED.has(res.status)) throw new OutboundRefused('redirect', 'url', `${from})`);
        if (redirects === MAX_REDIRECTS) throw new OutboundRefused('redirect', 'url', `${from}, redirect ${redirects + 1})`);
        const location = res.headers.get('location');
        if (!location) throw new OutboundRefused('redirect', 'url', `${from} without a Location)`);
        let next: string;
        try {
          next = new URL(location, checked.url).href;
        } catch {
          next = location; // refused below as invalid-url
        }
        const target = checkOutboundUrl(next, entries, 'redirect');
        if (target.url.origin !== checked.url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !ORIGIN_CREDENTIALS.has(k.toLowerCase())));
        checked = target;
      }
    },
  };
}

function exchange(checked: CheckedUrl, pinned: readonly ResolvedAddress[] | undefined, init: OutboundInit, signal: AbortSignal, maxBytes: number): Promise<Response> {
  const { url } = checked;
  const method = (init.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  return new Promise<Response>((resolvePromise, reject) => {
    const fail = (err: unknown) => reject(signal.aborted ? signal.reason : err);
    const req = (url.protocol === 'https:' ? https : http).request({
      hostname: checked.host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method,
      headers,
      // A fresh agent: a pooled socket could have been opened for another check of the same name.
      agent: false,
      signal,
      ...(pinned ? { lookup: pinnedLookup(checked.host, pinned), servername: checked.host } : {}),
    });
    req.on('error', fail);
    req.on('response', (res) => {
      try {
        resolvePromise(toResponse(res, method, maxBytes));
      } catch (err) {
        res.destroy();
        fail(err);
      }
    });
    req.end(init.body);
  });
}

function toResponse(res: IncomingMessage, method: string, maxBytes: number): Response {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) throw new Error(`unexpected HTTP status ${status}`);
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  if (NULL_BODY_STATUSES.has(status) || method === 'HEAD') {
    res.resume();
    return new Response(null, { status, headers });
  }
  const body = Readable.toWeb(Readable.from(bounded(res, maxBytes))) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}

/** The response's bytes, failing once more than `maxBytes` arrived (a hostile peer could send forever). */
async function* bounded(res: IncomingMessage, maxBytes: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw Object.assign(new Error(`response body over ${maxBytes} bytes`), { code: 'ERR_RESPONSE_TOO_LARGE' });
    yield chunk;
  }
}
