import type { Store } from '../../db/database.js';
import type { Lease } from './lease.js';

/** Hands a job back untouched (graceful shutdown): it does not count as an attempt. */
export async function release(store: Store, lease: Lease): Promise<void> {
  await store.db
    .updateTable('exports')
    .set((eb) => ({ status: 'queued', attempt: eb('attempt', '-', 1), run_after: Date.now(), lease_owner: null, lease_expires_at: null, rows_written: 0 }))
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('status', '=', 'running')
    .execute();
}
