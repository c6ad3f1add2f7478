import { RateLimited } from '../errors.js';

/** Outcome of one check; `headers` go on every response, allowed or not. */
export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
  retryAfterSeconds: number;
}

/**
 * A fixed-window limiter per caller (API key, or user for sessions), in memory: each process
 * enforces the limit for the requests it serves. Headers follow the IETF RateLimit fields draft.
 * @example const limiter = createRateLimiter({ limit: 120, windowMs: 60_000 }); limiter.take('key_1');
 */
export function createRateLimiter(opts: { limit: number; windowMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  let lastPrune = now();

  return {
    /** Counts one request for `caller` and says whether it may proceed. */
    take(caller: string): RateDecision {
      const t = now();
      if (t - lastPrune > opts.windowMs) {
        for (const [k, w] of windows) if (t - w.start >= opts.windowMs) windows.delete(k);
        lastPrune = t;
      }
      let w = windows.get(caller);
      if (!w || t - w.start >= opts.windowMs) {
        w = { start: t, count: 0 };
        windows.set(caller, w);
      }
      w.count++;
      const reset = Math.max(1, Math.ceil((w.start + opts.windowMs - t) / 1000));
      const remaining = Math.max(0, opts.limit - w.count);
      return {
        allowed: w.count <= opts.limit,
        retryAfterSeconds: reset,
        headers: {
          'ratelimit-limit': String(opts.limit),
          'ratelimit-remaining': String(remaining),
          'ratelimit-reset': String(reset),
          'ratelimit-policy': `${opts.limit};w=${Math.round(opts.windowMs / 1000)}`,
        },
      };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** Applies a decision: sets the headers, and throws 429 (with Retry-After) when over the limit. */
export function enforce(decision: RateDecision, setHeader: (name: string, value: string) => void): void {
  for (const [k, v] of Object.entries(decision.headers)) setHeader(k, v);
  if (!decision.allowed) throw new RateLimited(decision.retryAfterSeconds);
}
