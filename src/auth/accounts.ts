import type { OrgView } from '../contract/org.js';
import type { Store } from '../db/database.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import { upsertRows, validateBatch } from '../ingest/ingest.js';
import { hashPassword, newId, randomToken } from './crypto.js';
import type { Role } from './principal.js';

export interface Org {
  id: string;
  name: string;
  userLevelData: boolean;
  retentionDays: number | null;
  notifyEmail: string | null;
  createdAt: number;
}

/** Creates an organization. Ids are generated unless given (the demo uses fixed ones). */
export async function createOrg(store: Store, input: { name: string; id?: string }): Promise<Org> {
  const name = input.name.trim();
  if (!name) throw new Invalid('Organization name must not be empty');
  const id = input.id ?? newId('org');
  const existing = await store.db.selectFrom('orgs').select('id').where('id', '=', id).executeTakeFirst();
  if (existing) throw new Conflict(`Organization ${id} already exists`);
  const row = { id, name, user_level_data: 1, retention_days: null, notify_email: null, created_at: Date.now() };
  await store.db.insertInto('orgs').values(row).execute();
  return toOrg(row);
}

export async function getOrg(store: Store, orgId: string): Promise<Org> {
  const row = await store.db.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirst();
  if (!row) throw new NotFound('Organization');
  return toOrg(row);
}

export async function listOrgs(store: Store): Promise<Org[]> {
  const rows = await store.db.selectFrom('orgs').selectAll().orderBy('created_at').execute();
  return rows.map(toOrg);
}

/** Applies a partial settings change and returns the org as it now is. */
export async function updateOrg(
  store: Store,
  orgId: string,
  patch: { userLevelData?: boolean; retentionDays?: number | null; notifyEmail?: string | null; name?: string },
): Promise<Org> {
  const set: Record<string, unknown> = {};
  if (patch.userLevelData !== undefined) set.user_level_data = patch.userLevelData ? 1 : 0;
  if (patch.retentionDays !== undefined) set.retention_days = patch.retentionDays;
  if (patch.notifyEmail !== undefined) set.notify_email = patch.notifyEmail;
  if (patch.name !== undefined) set.name = patch.name;
  if (Object.keys(set).length > 0) await store.db.updateTable('orgs').set(set).where('id', '=', orgId).execute();
  return getOrg(store, orgId);
}

function toOrg(row: { id: string; name: string; user_level_data: number; retention_days: number | null; notify_email: string | null; created_at: number }): Org {
  return {
    id: row.id,
    name: row.name,
    userLevelData: Number(row.user_level_data) === 1,
    retentionDays: row.retention_days === null ? null : Number(row.retention_days),
    notifyEmail: row.notify_email,
    createdAt: Number(row.created_at),
  };
}

/**
 * An org as the API shows it: retention is the effective value (the server default when the org set none).
 * @example orgView(await getOrg(store, id), config.retentionDays).retention_days // 7
 */
export function orgView(org: Org, defaultRetentionDays: number): OrgView {
  return {
    id: org.id,
    name: org.name,
    user_level_data: org.userLevelData,
    retention_days: org.retentionDays ?? defaultRetentionDays,
    notify_email: org.notifyEmail,
    created_at: new Date(org.createdAt).toISOString(),
  };
}

export interface NewUser {
  orgId: string;
  id?: string;
  email: string;
  name?: string;
  role: Role;
  /** Omit for a user who never logs in to the console. */
  password?: string;
  department?: string;
  createdAt?: string;
}

/**
 * Creates a platform user through the ingest path (or, for one already ingested, sets only the given
 * email, role, name and department) and, with a password, a console login. Login emails are unique
 * across all orgs.
 */
export async function createUser(store: Store, input: NewUser): Promise<{ id: string; email: string; role: Role }> {
  const id = input.id ?? newId('usr');
  const email = input.email.trim().toLowerCase();
  const [row] = validateBatch('users', [
    { id, email, name: input.name ?? null, role: input.role, department: input.department ?? null, created_at: input.createdAt ?? new Date().toISOString() },
  ]);
  if (input.password !== undefined) {
    if (input.password.length < 8) throw new Invalid('Password must be at least 8 characters');
    const taken = await store.db.selectFrom('credentials').select(['org_id', 'user_id']).where('email', '=', email).executeTakeFirst();
    if (taken && (taken.org_id !== input.orgId || taken.user_id !== id)) throw new Conflict(`A login for ${email} already exists`);
  }
  const existing = await store.db.selectFrom('users').select('id').where('org_id', '=', input.orgId).where('id', '=', id).executeTakeFirst();
  if (existing) {
    // A platform user already ingested: set only what was given, keep the rest of their profile.
    const set: { email: string; role: string; name?: string | null; department?: string | null } = { email: row.email, role: row.role };
    if (input.name !== undefined) set.name = row.name;
    if (input.department !== undefined) set.department = row.department;
    await store.db.updateTable('users').set(set).where('org_id', '=', input.orgId).where('id', '=', id).execute();
  } else {
    await upsertRows(store, input.orgId, 'users', [row]);
  }
  if (input.password !== undefined) {
    const password_hash = await hashPassword(input.password);
    await store.db
      .insertInto('credentials')
      .values({ email, org_id: input.orgId, user_id: id, password_hash, created_at: Date.now() })
      .onConflict((oc) => oc.column('email').doUpdateSet({ password_hash }))
      .execute();
  }
  return { id, email, role: input.role };
}

/** A readable random password for generated accounts (demo, CLI). */
export function generatePassword(): string {
  return randomToken('', 12);
}
