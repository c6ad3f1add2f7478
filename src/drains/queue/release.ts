import type { Store } from '../../db/database.js';
import type { DrainLease } from './lease.js';

/** Hands the drain back, due again at `runAfter` (its next interval, or now when more rows wait). */
export async function releaseDrain(store: Store, lease: DrainLease, runAfter: number): Promise<void> {
  await store.db
    .updateTable('drains')
    .set({ lease_owner: null, lease_expires_at: null, run_after: runAfter })
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .execute();
}
