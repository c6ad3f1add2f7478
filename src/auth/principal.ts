import { Forbidden } from '../errors.js';

import type { ApiKeyScope, Role } from '../contract/vocabulary.js';

// The vocabulary lives in the contract; re-exported here for the server code that already imports it.
export { API_KEY_SCOPES, type ApiKeyScope, type Role } from '../contract/vocabulary.js';

/** Who is calling: always one user of one org, through a session or an API key. */
export interface Principal {
  readonly orgId: string;
  readonly userId: string;
  readonly role: Role;
  readonly scopes: readonly ApiKeyScope[];
  readonly via: 'session' | 'api_key';
  readonly keyId?: string;
}

export const isAdminRole = (role: Role): boolean => role === 'owner' || role === 'admin';

/** Throws Forbidden unless the principal carries the scope. */
export function requireScope(p: Principal, scope: ApiKeyScope): void {
  if (!p.scopes.includes(scope)) throw new Forbidden(`This credential lacks the '${scope}' scope`);
}

/** True when the principal may act as an org admin: an owner/admin role and the admin scope. */
export const actsAsAdmin = (p: Principal): boolean => isAdminRole(p.role) && p.scopes.includes('admin');

/** Throws Forbidden unless the principal is an org owner/admin (and, for keys, holds the admin scope). */
export function requireAdmin(p: Principal): void {
  if (!isAdminRole(p.role)) throw new Forbidden('Only organization admins may do this');
  requireScope(p, 'admin');
}

/** Scopes a session gets: what the user's role allows. */
export function scopesForRole(role: Role): ApiKeyScope[] {
  return isAdminRole(role) ? ['export', 'ingest', 'admin'] : ['export'];
}
