import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { authenticateApiKey } from '../auth/api-keys.js';
import type { Principal } from '../auth/principal.js';
import { SESSION_COOKIE, authenticateSession } from '../auth/sessions.js';
import type { Store } from '../db/database.js';
import { Unauthorized } from '../errors.js';

const cache = new WeakMap<FastifyRequest, Promise<Principal | null>>();

/** The API key a request presents, from `Authorization: Bearer` or `X-API-KEY`. */
export function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  const header = req.headers['x-api-key'];
  return typeof header === 'string' && header ? header.trim() : undefined;
}

/** Resolves the caller once per request: an API key wins over the session cookie. */
export function principalOf(store: Store, req: FastifyRequest): Promise<Principal | null> {
  let p = cache.get(req);
  if (!p) {
    p = (async () => {
      const key = presentedKey(req);
      if (key) return authenticateApiKey(store, key);
      const token = req.cookies?.[SESSION_COOKIE];
      return token ? authenticateSession(store, token) : null;
    })();
    cache.set(req, p);
  }
  return p;
}

/** The caller, or a 401. */
export async function requirePrincipal(store: Store, req: FastifyRequest): Promise<Principal> {
  const p = await principalOf(store, req);
  if (!p) throw new Unauthorized(presentedKey(req) ? 'Invalid, expired or revoked API key' : 'Authentication required: send an API key (Authorization: Bearer sk_…) or log in');
  return p;
}

/** Request origin for the audit log. */
export function originOf(req: FastifyRequest) {
  return { ip: req.ip, userAgent: req.headers['user-agent'] ?? null };
}
