import type { ExportSource } from '../contract/vocabulary.js';
import type { Store } from '../db/database.js';
import type { Principal } from './principal.js';

/** A person's own console settings. */
export interface Preferences {
  /** Console exports email their creator when they complete or fail (on unless turned off). */
  readonly emailOnCompletion: boolean;
}

/**
 * Surfaces whose exports email their creator unless the person turned it off: the console, and Gumloop's
 * API (Gumloop emails on every completion, so its clients expect it). API, CLI, Langdock (synchronous),
 * schedules and drains email only when asked.
 */
const EMAIL_BY_DEFAULT: readonly ExportSource[] = ['console', 'gumloop'];

/** Whether exports from `source` follow the person's "email me when my exports finish" setting. */
export const emailsByDefault = (source: ExportSource): boolean => EMAIL_BY_DEFAULT.includes(source);

/** What a person who never changed anything has. */
export const DEFAULT_PREFERENCES: Preferences = Object.freeze({ emailOnCompletion: true });

/**
 * A person's settings, the defaults where they chose nothing.
 * @example const { emailOnCompletion } = await getPreferences(store, p.orgId, p.userId);
 */
export async function getPreferences(store: Store, orgId: string, userId: string): Promise<Preferences> {
  const row = await store.db.selectFrom('user_preferences').select('email_on_completion').where('org_id', '=', orgId).where('user_id', '=', userId).executeTakeFirst();
  return row ? { emailOnCompletion: Number(row.email_on_completion) === 1 } : DEFAULT_PREFERENCES;
}

/**
 * Changes the given settings (the rest stay) and returns them all.
 * @example await setPreferences(store, p.orgId, p.userId, { emailOnCompletion: false });
 */
export async function setPreferences(store: Store, orgId: string, userId: string, patch: Partial<Preferences>): Promise<Preferences> {
  const next = { ...(await getPreferences(store, orgId, userId)), ...patch };
  const values = { email_on_completion: next.emailOnCompletion ? 1 : 0, updated_at: Date.now() };
  await store.db
    .insertInto('user_preferences')
    .values({ org_id: orgId, user_id: userId, ...values })
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet(values))
    .execute();
  return next;
}

/**
 * Where the completion email of an export from `source` goes when the request names no address: the
 * creator's own email for the surfaces that email by default, unless they turned the setting off; else null.
 * @example notify_email: req.notify_email ?? (await defaultNotifyAddress(store, p, 'console'))
 */
export async function defaultNotifyAddress(store: Store, p: Principal, source: ExportSource): Promise<string | null> {
  if (!emailsByDefault(source) || !(await getPreferences(store, p.orgId, p.userId)).emailOnCompletion) return null;
  const user = await store.db.selectFrom('users').select('email').where('org_id', '=', p.orgId).where('id', '=', p.userId).executeTakeFirst();
  return user?.email ?? null;
}
