import type { Store } from '../db/database.js';
import { RateLimited, Unauthorized } from '../errors.js';
import { audit, type RequestOrigin } from './audit.js';
import { randomToken, sha256Hex, verifyPassword } from './crypto.js';
import type { Lockout, LoginThrottle } from './login-throttle.js';
import { scopesForRole, type Principal, type Role } from './principal.js';

export const SESSION_COOKIE = 'sluice_session';
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
// Compared against when the email is unknown, so response time does not reveal which emails exist.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Brute-force protection for one login: the throttle, where the attempt comes from, who hears of lockouts. */
export interface LoginGuard {
  readonly throttle: LoginThrottle;
  readonly origin: RequestOrigin;
  readonly onLockout?: (lockout: Lockout) => void;
}

/**
 * Checks email + password and opens a session; the token is returned once and stored hashed. With a
 * guard, a locked account or address answers 429 before any check, and the failure that starts a lockout
 * answers 429 too and is recorded in the account's audit log (when the account exists).
 */
export async function login(store: Store, email: string, password: string, guard?: LoginGuard): Promise<{ token: string; expiresAt: number; principal: Principal }> {
  const attempt = { account: email.trim().toLowerCase(), address: guard?.origin.ip ?? '' };
  guard?.throttle.assertAllowed(attempt);
  const cred = await store.db.selectFrom('credentials').selectAll().where('email', '=', attempt.account).executeTakeFirst();
  // scrypt runs for unknown emails too, so the time to fail does not tell which emails exist.
  const ok = await verifyPassword(password, cred?.password_hash ?? DUMMY_HASH);
  if (!cred || !ok) {
    const lockouts = guard?.throttle.failed(attempt) ?? [];
    for (const lockout of lockouts) {
      guard?.onLockout?.(lockout);
      if (cred) {
        await audit(store, { orgId: cred.org_id, userId: null }, 'auth.login_locked', { type: 'user', id: cred.user_id }, guard?.origin, {
          subject: lockout.subject,
          failures: lockout.failures,
          retry_after_seconds: lockout.retryAfterSeconds,
        });
      }
    }
    if (lockouts.length > 0) throw new RateLimited(Math.max(...lockouts.map((l) => l.retryAfterSeconds)));
    throw new Unauthorized('Wrong email or password');
  }
  guard?.throttle.succeeded(attempt);
  const token = randomToken('', 32);
  const now = Date.now();
  const expiresAt = now + SESSION_TTL_MS;
  await store.db
    .insertInto('sessions')
    .values({ token_hash: sha256Hex(token), org_id: cred.org_id, user_id: cred.user_id, created_at: now, expires_at: expiresAt })
    .execute();
  const principal = await sessionPrincipal(store, cred.org_id, cred.user_id);
  if (!principal) throw new Unauthorized('This account no longer exists');
  return { token, expiresAt, principal };
}

/** The principal of a session cookie, or null when unknown or expired. */
export async function authenticateSession(store: Store, token: string): Promise<Principal | null> {
  const row = await store.db.selectFrom('sessions').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
  if (!row || Number(row.expires_at) <= Date.now()) return null;
  return sessionPrincipal(store, row.org_id, row.user_id);
}

export async function logout(store: Store, token: string): Promise<void> {
  await store.db.deleteFrom('sessions').where('token_hash', '=', sha256Hex(token)).execute();
}

async function sessionPrincipal(store: Store, orgId: string, userId: string): Promise<Principal | null> {
  const user = await store.db.selectFrom('users').select(['role']).where('org_id', '=', orgId).where('id', '=', userId).executeTakeFirst();
  if (!user) return null;
  const role = user.role as Role;
  return { orgId, userId, role, scopes: scopesForRole(role), via: 'session' };
}
