import type { Store } from '../../db/database.js';

/** Jobs whose worker died on their last attempt: nobody may claim them again, so they fail here (notification pending). */
export async function failAbandoned(store: Store, now = Date.now()): Promise<number> {
  const res = await store.db
    .updateTable('exports')
    .set({ status: 'failed', finished_at: now, error: 'The worker running this export stopped responding on its last attempt', lease_owner: null, lease_expires_at: null })
    .where('status', '=', 'running')
    .where('lease_expires_at', '<', now)
    .where((eb) => eb('attempt', '>=', eb.ref('max_attempts')))
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
