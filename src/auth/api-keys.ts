import type { Store } from '../db/database.js';
import { Invalid, NotFound } from '../errors.js';
import { newId, randomToken, sha256Hex } from './crypto.js';
import { API_KEY_SCOPES, type ApiKeyScope, type Principal, type Role } from './principal.js';

/** Every key starts with this, so leaked keys are easy to recognize and scan for. */
export const KEY_PREFIX = 'sk_';

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The first characters of the key, enough to recognize it; never the whole key. */
  prefix: string;
  scopes: ApiKeyScope[];
  userId: string;
  /** Who the key acts as, in words (the console shows the name or email, not the id). */
  owner: KeyOwner;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The user a key belongs to; email and name are null only for a user that is gone. */
export interface KeyOwner {
  id: string;
  email: string | null;
  name: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * Creates a key; the secret is returned once and stored only as its sha256.
 * @example const { key } = await createApiKey(store, { orgId, userId, name: 'ci', scopes: ['export'] });
 */
export async function createApiKey(
  store: Store,
  input: { orgId: string; userId: string; name: string; scopes: readonly ApiKeyScope[]; expiresAt?: number | null },
): Promise<ApiKeyInfo & { key: string }> {
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) throw new Invalid(`A key needs at least one scope (${API_KEY_SCOPES.join(', ')})`);
  if (input.expiresAt != null && input.expiresAt <= Date.now()) throw new Invalid('expires_at must be in the future');
  // A key of a user the org does not have would authenticate nobody (and `sluice keys create` takes any id).
  const user = await store.db.selectFrom('users').select(['id', 'email', 'name']).where('org_id', '=', input.orgId).where('id', '=', input.userId).executeTakeFirst();
  if (!user) throw new NotFound(`User '${input.userId}' of organization '${input.orgId}'`);
  const key = randomToken(KEY_PREFIX, 24); // 192 random bits
  const row = {
    id: newId('key'),
    org_id: input.orgId,
    user_id: input.userId,
    name: input.name,
    prefix: key.slice(0, 10),
    key_hash: sha256Hex(key),
    scopes: JSON.stringify(scopes),
    created_at: Date.now(),
    expires_at: input.expiresAt ?? null,
    last_used_at: null,
    revoked_at: null,
  };
  await store.db.insertInto('api_keys').values(row).execute();
  return { ...toInfo({ ...row, owner_email: user.email, owner_name: user.name }), key };
}

/** The org's keys with their owners' email and name. */
function keysOf(store: Store, orgId: string, userId?: string) {
  let q = store.db
    .selectFrom('api_keys as k')
    .leftJoin('users as u', (j) => j.onRef('u.org_id', '=', 'k.org_id').onRef('u.id', '=', 'k.user_id'))
    .selectAll('k')
    .select(['u.email as owner_email', 'u.name as owner_name'])
    .where('k.org_id', '=', orgId);
  if (userId) q = q.where('k.user_id', '=', userId);
  return q;
}

export async function listApiKeys(store: Store, orgId: string, userId?: string): Promise<ApiKeyInfo[]> {
  const rows = await keysOf(store, orgId, userId).orderBy('k.created_at', 'desc').execute();
  return rows.map(toInfo);
}

/** Revokes a key of the org (and, when `userId` is given, of that user). Another org's key is NotFound. */
export async function revokeApiKey(store: Store, orgId: string, keyId: string, userId?: string): Promise<ApiKeyInfo> {
  const row = await keysOf(store, orgId, userId).where('k.id', '=', keyId).executeTakeFirst();
  if (!row) throw new NotFound('API key');
  if (row.revoked_at === null) {
    row.revoked_at = Date.now();
    await store.db.updateTable('api_keys').set({ revoked_at: row.revoked_at }).where('id', '=', keyId).execute();
  }
  return toInfo(row);
}

/** Resolves a presented key to its principal, or null when unknown, revoked or expired. */
export async function authenticateApiKey(store: Store, presented: string): Promise<Principal | null> {
  if (!presented.startsWith(KEY_PREFIX) || presented.length > 200) return null;
  const row = await store.db
    .selectFrom('api_keys')
    .innerJoin('users', (j) => j.onRef('users.org_id', '=', 'api_keys.org_id').onRef('users.id', '=', 'api_keys.user_id'))
    .select(['api_keys.id', 'api_keys.org_id', 'api_keys.user_id', 'api_keys.scopes', 'api_keys.expires_at', 'api_keys.revoked_at', 'api_keys.last_used_at', 'users.role'])
    .where('api_keys.key_hash', '=', sha256Hex(presented))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return null;
  const now = Date.now();
  if (row.expires_at !== null && Number(row.expires_at) <= now) return null;
  // Recording every use would write on every request; a minute's precision is plenty for "last used".
  if (row.last_used_at === null || now - Number(row.last_used_at) > 60_000) {
    await store.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return {
    orgId: row.org_id,
    userId: row.user_id,
    role: row.role as Role,
    scopes: JSON.parse(row.scopes) as ApiKeyScope[],
    via: 'api_key',
    keyId: row.id,
  };
}

function toInfo(row: {
  id: string; name: string; prefix: string; scopes: string; user_id: string; created_at: number;
  expires_at: number | null; last_used_at: number | null; revoked_at: number | null;
  owner_email: string | null; owner_name: string | null;
}): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes),
    userId: row.user_id,
    owner: { id: row.user_id, email: row.owner_email, name: row.owner_name },
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}
