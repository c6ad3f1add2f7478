import type { Store } from '../../db/database.js';

/**
 * Key directories (`org/export/attempt`) of attempts that still hold their lease: the sweeper leaves their
 * unfinished writes alone, whatever their age.
 */
export async function liveAttempts(store: Store, now = Date.now()): Promise<Set<string>> {
  const rows = await store.db
    .selectFrom('exports')
    .select(['org_id', 'id', 'attempt'])
    .where('status', '=', 'running')
    .where('lease_expires_at', '>=', now)
    .execute();
  return new Set(rows.map((r) => `${r.org_id}/${r.id}/${Number(r.attempt)}`));
}
