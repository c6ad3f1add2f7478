import type { Store } from '../../db/database.js';
import type { Lease } from './lease.js';

/** Extends the lease and records progress. Returns null when the lease was lost (re-claimed or deleted). */
export async function heartbeat(store: Store, lease: Lease, opts: { leaseMs: number; rowsWritten: number; estimatedTotal?: number }): Promise<{ cancelRequested: boolean } | null> {
  const row = await store.db
    .updateTable('exports')
    .set({
      lease_expires_at: Date.now() + opts.leaseMs,
      rows_written: opts.rowsWritten,
      ...(opts.estimatedTotal !== undefined ? { estimated_total: opts.estimatedTotal } : {}),
    })
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('status', '=', 'running')
    .returning(['cancel_requested'])
    .executeTakeFirst();
  return row ? { cancelRequested: Number(row.cancel_requested) === 1 } : null;
}
