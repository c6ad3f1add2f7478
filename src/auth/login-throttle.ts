import { RateLimited } from '../errors.js';

/*
 * Brute-force protection for password logins, per account (the email tried, known or not, so lockouts
 * reveal nothing about which emails exist) and per client address (one client spraying many accounts).
 * Failures are counted in a sliding window; reaching the limit locks that account or address, and each
 * further lockout of it doubles the lock. Attempts made while locked are refused without being counted,
 * so an attacker hammering a locked account cannot keep its owner out longer. In memory, per process,
 * like the export rate limiter.
 */

/** One login attempt: the normalized email and the client address. */
export interface LoginAttempt {
  readonly account: string;
  readonly address: string;
}

/** A lockout a failure just started. */
export interface Lockout {
  readonly subject: 'account' | 'address';
  readonly failures: number;
  readonly retryAfterSeconds: number;
}

export interface LoginThrottleOptions {
  /** Failures per account within the window that lock it (default 5). */
  readonly accountLimit?: number;
  /** Failures per client address within the window that lock it (default 20). */
  readonly addressLimit?: number;
  /** Sliding window the failures are counted in (default 15 min). */
  readonly windowMs?: number;
  /** The first lock; each further one doubles it, up to `maxLockMs` (default 30 s, at most 1 h). */
  readonly baseLockMs?: number;
  readonly maxLockMs?: number;
  /** Quiet time after which an account or address starts again from the first lock (default 24 h). */
  readonly forgetMs?: number;
  /** Most accounts (and, apart, addresses) remembered; the least recently failed are forgotten first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry {
  /** Times of the failures still in the window (at most `limit`). */
  failures: number[];
  lockedUntil: number;
  lockouts: number;
  lastFailure: number;
}

export interface LoginThrottle {
  /** Throws RateLimited (with Retry-After) while the account or the address is locked. */
  assertAllowed(attempt: LoginAttempt): void;
  /** Counts a failed attempt; returns the lockouts it started (none, or the account's and/or the address's). */
  failed(attempt: LoginAttempt): Lockout[];
  /** A correct password: the account starts afresh (the address does not, or one good login would reset a spray). */
  succeeded(attempt: LoginAttempt): void;
}

/**
 * Creates a login throttle.
 * @example const throttle = createLoginThrottle(); throttle.assertAllowed({ account: email, address: req.ip });
 */
export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  // Read through Date each time (not a captured Date.now), so a test clock applies.
  const now = options.now ?? (() => Date.now());
  const windowMs = options.windowMs ?? 15 * 60_000;
  const baseLockMs = options.baseLockMs ?? 30_000;
  const maxLockMs = options.maxLockMs ?? 3_600_000;
  const forgetMs = options.forgetMs ?? 24 * 3_600_000;
  const maxEntries = options.maxEntries ?? 100_000;
  const subjects = {
    account: { limit: options.accountLimit ?? 5, entries: new Map<string, Entry>() },
    address: { limit: options.addressLimit ?? 20, entries: new Map<string, Entry>() },
  };
  const keyOf = (subject: Lockout['subject'], attempt: LoginAttempt) => (subject === 'account' ? attempt.account : attempt.address);

  function lockedFor(entry: Entry | undefined, t: number): number {
    return entry && entry.lockedUntil > t ? Math.ceil((entry.lockedUntil - t) / 1000) : 0;
  }

  function remember(entries: Map<string, Entry>, key: string, entry: Entry, t: number): void {
    // Re-inserting keeps the map in order of last failure, so the oldest are at the front.
    entries.delete(key);
    entries.set(key, entry);
    for (const [k, e] of entries) {
      if (entries.size <= maxEntries && t - e.lastFailure < forgetMs) break;
      entries.delete(k);
    }
  }

  return {
    assertAllowed(attempt) {
      const t = now();
      const wait = Math.max(lockedFor(subjects.account.entries.get(attempt.account), t), lockedFor(subjects.address.entries.get(attempt.address), t));
      if (wait > 0) throw new RateLimited(wait);
    },

    failed(attempt) {
      const t = now();
      const started: Lockout[] = [];
      for (const subject of ['account', 'address'] as const) {
        const { limit, entries } = subjects[subject];
        const key = keyOf(subject, attempt);
        const known = entries.get(key);
        const entry: Entry = known && t - known.lastFailure < forgetMs ? known : { failures: [], lockedUntil: 0, lockouts: 0, lastFailure: t };
        entry.failures = entry.failures.filter((at) => t - at < windowMs);
        entry.failures.push(t);
        entry.lastFailure = t;
        if (entry.failures.length >= limit) {
          const lockMs = Math.min(maxLockMs, baseLockMs * 2 ** entry.lockouts);
          entry.lockedUntil = t + lockMs;
          entry.lockouts++;
          started.push({ subject, failures: entry.failures.length, retryAfterSeconds: Math.ceil(lockMs / 1000) });
          entry.failures = [];
        }
        remember(entries, key, entry, t);
      }
      return started;
    },

    succeeded(attempt) {
      subjects.account.entries.delete(attempt.account);
    },
  };
}
