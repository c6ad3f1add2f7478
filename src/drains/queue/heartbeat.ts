import type { Store } from '../../db/database.js';
import type { DrainLease } from './lease.js';

/** Extends the lease; false when another worker holds the drain now (or it was deleted or paused). */
export async function extendDrainLease(store: Store, lease: DrainLease, leaseMs: number): Promise<boolean> {
  const res = await store.db
    .updateTable('drains')
    .set({ lease_expires_at: Date.now() + leaseMs })
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('lease_owner', 'is not', null)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
