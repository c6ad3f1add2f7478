import type { Store } from '../../db/database.js';
import type { DrainLease } from './lease.js';

/**
 * Fixes the next batch before it is sent: the range (and when, in epoch µs) is stored, so whoever
 * delivers it next — this worker retrying, or another after a crash — sends the same range under the
 * same idempotency key. False when the lease was lost.
 */
export async function fixPending(store: Store, lease: DrainLease, batch: { from: number; to: number; at: number }): Promise<boolean> {
  const res = await store.db
    .updateTable('drains')
    .set({ pending_from: batch.from, pending_to: batch.to, pending_at: batch.at })
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('pending_from', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
