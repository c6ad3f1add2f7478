import type { Sender } from './sender.js';

/**
 * Development stand-in for the guarded outbound client (src/outbound) until it is merged: fetch that
 * never follows redirects. Services wire the guard in production; nothing else constructs this.
 */
export function unguardedSender(): Sender {
  return {
    send: (url, init = {}) => fetch(url, { method: init.method, headers: init.headers, body: init.body as string | undefined, signal: init.signal, redirect: 'manual' }),
  };
}
