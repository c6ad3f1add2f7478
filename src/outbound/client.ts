import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import type { OutboundAllowEntry } from '../config/config.js';
import { checkOutboundUrl, checkResolved, type CheckedUrl } from './check.js';

/*
 * The one HTTP client for every URL Sluice calls on someone's behalf (webhooks now, drains next).
 * A URL is checked, its name resolved once and every address checked, and the socket is then opened to
 * exactly those addresses through a pinned `lookup`, so a second DNS answer (rebinding) is never used.
 * Redirects are NOT followed: a 3xx is handed back as it is, because its Location is a URL nobody
 * checked or configured, and a signed delivery must not travel there. Every exchange has one deadline
 * (connect, send, headers and body), and response bodies are read up to a bound.
 */

/** One address a name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to every address it has (tests inject a stub: no real DNS in the suite). */
export type Resolver = (host: string) => Promise<readonly ResolvedAddress[]>;

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
  /** Deadline of a whole exchange, body included (default 10 s). */
  readonly timeoutMs?: number;
  /** Largest response body read; more fails the body's stream (default 1 MiB). */
  readonly maxResponseBytes?: number;
}

/** The guarded client: a request-time check, and a fetch-like send that applies it again at connect time. */
export interface OutboundClient {
  /** Checks a URL without sending anything (request-time validation); throws OutboundRefused naming the rule. */
  checkOutboundUrl(url: string, field?: string): CheckedUrl;
  /** Sends one request to a checked, pinned address; never follows redirects; rejects with OutboundRefused before connecting. */
  send(url: string, init?: OutboundInit): Promise<Response>;
}

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

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
    async send(url, init = {}) {
      const checked = checkOutboundUrl(url, entries);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
      let pinned: readonly ResolvedAddress[] | undefined;
      if (checked.ipVersion === 0) {
        pinned = await resolve(checked.host);
        if (pinned.length === 0) throw Object.assign(new Error(`${checked.host} has no address`), { code: 'ENOTFOUND' });
        checkResolved(checked, pinned, entries);
      }
      signal.throwIfAborted();
      return exchange(checked, pinned, init, signal, maxBytes);
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

/** A `lookup` that answers only with the addresses already checked for `host`. */
function pinnedLookup(host: string, addresses: readonly ResolvedAddress[]): LookupFunction {
  return (hostname, opts, callback) => {
    const wanted = opts.family === 4 || opts.family === 6 ? addresses.filter((a) => a.family === opts.family) : addresses;
    if (hostname !== host || wanted.length === 0) {
      callback(Object.assign(new Error(`no checked address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      return;
    }
    if (opts.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [...wanted]);
    else callback(null, wanted[0].address, wanted[0].family);
  };
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
