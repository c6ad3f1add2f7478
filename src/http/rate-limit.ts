import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { createRateLimiter, enforce } from '../auth/rate-limit.js';
import type { AppContext } from './context.js';

const limiters = new WeakMap<AppContext, ReturnType<typeof createRateLimiter>>();

/**
 * Counts an export-endpoint request against the caller's per-minute budget (SLUICE_RATE_LIMIT_PER_MINUTE),
 * per API key or, for sessions, per user. Sets RateLimit headers; throws 429 with Retry-After when over.
 * @example limitExports(ctx, principal, reply);
 */
export function limitExports(ctx: AppContext, p: Principal, reply: FastifyReply): void {
  let limiter = limiters.get(ctx);
  if (!limiter) {
    limiter = createRateLimiter({ limit: ctx.config.rateLimitPerMinute, windowMs: 60_000 });
    limiters.set(ctx, limiter);
  }
  const caller = p.keyId ? `key:${p.keyId}` : `user:${p.orgId}:${p.userId}`;
  enforce(limiter.take(caller), (k, v) => reply.header(k, v));
}
