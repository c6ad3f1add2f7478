import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateApiKey } from '../../auth/api-keys.js';
import { refuseBrowserOrigin } from '../../auth/browser-guard.js';
import { actsAsAdmin, type Principal } from '../../auth/principal.js';
import { createRateLimiter, type RateLimiter } from '../../auth/rate-limit.js';
import { SESSION_COOKIE, authenticateSession } from '../../auth/sessions.js';
import type { Store } from '../../db/database.js';
import { Forbidden, MissingScope, RateLimited, Unauthorized } from '../../errors.js';
import type { RouteAccess, Surface } from './access.js';

/** The API key a request presents, from `Authorization: Bearer` or `X-API-KEY`. */
export function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim() || undefined;
  const header = req.headers['x-api-key'];
  return typeof header === 'string' && header ? header.trim() : undefined;
}

async function authenticate(store: Store, req: FastifyRequest, access: RouteAccess): Promise<Principal> {
  const key = access.via === 'session' ? undefined : presentedKey(req);
  if (key) {
    const p = await authenticateApiKey(store, key);
    if (!p) throw new Unauthorized('Invalid, expired or revoked API key');
    return p;
  }
  if (access.via === 'key') throw new Unauthorized('An API key is required: send Authorization: Bearer sk_… or X-API-KEY');
  const token = req.cookies?.[SESSION_COOKIE];
  const p = token ? await authenticateSession(store, token) : null;
  if (p) return p;
  throw new Unauthorized(
    access.via === 'session' ? 'No valid session: log in to the console first' : 'Authentication required: send an API key (Authorization: Bearer sk_…) or log in',
  );
}

/** Throws unless the principal satisfies the declaration's scopes and admin rule. */
export function assertAllowed(p: Principal, access: RouteAccess): void {
  for (const scope of access.scopes ?? []) if (!p.scopes.includes(scope)) throw new MissingScope(scope);
  if (access.admin && !actsAsAdmin(p)) {
    throw new Forbidden(p.scopes.includes('admin') ? 'Only organization admins may do this' : "Only organization admins may do this (with a key carrying the 'admin' scope)");
  }
}

/** API paths: every route under them must declare its access (the console's files and the docs UI are public). */
const API_PATH = /^\/(v1|v4|api|export|healthz|readyz|openapi\.json)(\/|$)/;

/**
 * Installs the one edge hook: for every route it refuses browser origins where declared, authenticates
 * (key, session or either), checks scopes and the admin rule, and counts rate-limited routes per caller
 * (per API key, or per user for sessions), setting RateLimit-* headers. Routes without an access
 * declaration are refused when they are added, so none can be forgotten.
 * @example installEdge(app, { store, rateLimitPerMinute: 120 });
 */
export function installEdge(app: FastifyInstance, opts: { store: Store; rateLimitPerMinute: number }): RouteEntry[] {
  const limiter: RateLimiter = createRateLimiter({ limit: opts.rateLimitPerMinute, windowMs: 60_000 });
  const table: RouteEntry[] = [];
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route) => {
    if (!API_PATH.test(route.url)) return;
    const access = route.config?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access)`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') table.push({ method, url: route.url, access, surface: route.config?.surface ?? 'native' });
    }
  });
  // preValidation: after the body is parsed (cookies are read in onRequest), before it is validated,
  // so an unauthenticated caller learns nothing from validation messages.
  app.addHook('preValidation', async (req, reply) => {
    const access = req.routeOptions.config?.access;
    if (!access) return;
    if (access.refuseBrowser) refuseBrowserOrigin(req.headers);
    if (access.via === 'none') return;
    const p = await authenticate(opts.store, req, access);
    req.principal = p;
    if (access.rateLimit) {
      const decision = limiter.take(p.keyId ? `key:${p.keyId}` : `user:${p.orgId}:${p.userId}`);
      for (const [k, v] of Object.entries(decision.headers)) reply.header(k, v);
      if (!decision.allowed) throw new RateLimited(decision.retryAfterSeconds);
    }
    assertAllowed(p, access);
  });
  return table;
}

/** One API route as the edge saw it added: what the authorization matrix walks. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
  readonly surface: Surface;
}
