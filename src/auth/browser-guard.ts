import type { IncomingHttpHeaders } from 'node:http';
import { Forbidden } from '../errors.js';

/*
 * Some vendor APIs (Langdock's usage export) refuse requests made from a web page, so an API key pasted
 * into front-end code fails loudly instead of leaking. Browsers always send `Origin` on cross-origin and
 * non-GET requests and `Sec-Fetch-Site` on every request. What is *not* a web page:
 *   - `Sec-Fetch-Site: none` — a user-initiated navigation (typed URL, bookmark): no page's script is involved;
 *   - `Sec-Fetch-Mode` / `Sec-Fetch-Dest` alone — Node's fetch (undici) sends `sec-fetch-mode: cors` from
 *     servers, and so do SDKs built on it (Humanloop's), so they say nothing about a page.
 */

/** True when the headers show the request was made by a browser on behalf of a web page. */
export function isBrowserRequest(headers: IncomingHttpHeaders): boolean {
  const site = headers['sec-fetch-site'];
  return headers.origin !== undefined || (site !== undefined && String(site).trim().toLowerCase() !== 'none');
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
