import type { Store } from '../../db/database.js';

/** Marks completed exports past their expiry `expired` and returns their files, for the caller to delete. */
export async function expireDue(store: Store, now = Date.now(), limit = 500): Promise<{ id: string; blob_key: string | null }[]> {
  const due = store.db.selectFrom('exports').select('id').where('status', '=', 'completed').where('expires_at', '<=', now).limit(limit);
  return store.db
    .updateTable('exports')
    .set({ status: 'expired' })
    .where('id', 'in', due)
    .where('status', '=', 'completed')
    .returning(['id', 'blob_key'])
    .execute();
}
