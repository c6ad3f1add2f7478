import type { IncomingHttpHeaders } from 'node:http';
import { Forbidden } from '../errors.js';

/*
 * Some vendor APIs (Langdock's usage export) refuse requests made from a web page, so an API key pasted
 * into front-end code fails loudly instead of leaking. Browsers always send `Origin` on cross-origin and
 * non-GET requests and `Sec-Fetch-Site` on every request; server-side HTTP clients send neither.
 */

/** True when the headers show the request was made by a browser on behalf of a web page. */
export function isBrowserRequest(headers: IncomingHttpHeaders): boolean {
  return headers.origin !== undefined || headers['sec-fetch-site'] !== undefined;
}

/**
 * Throws 403 for browser-origin requests. Use it first in a handler or as an `onRequest` hook.
 * @example app.addHook('onRequest', async (req) => refuseBrowserOrigin(req.headers));
 */
export function refuseBrowserOrigin(headers: IncomingHttpHeaders): void {
  if (isBrowserRequest(headers)) {
    throw new Forbidden('Browser-origin requests are not allowed: call this API from a server, never from front-end code that would expose your API key');
  }
}
