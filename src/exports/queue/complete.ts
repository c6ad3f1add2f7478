import type { Store } from '../../db/database.js';
import type { Lease } from './lease.js';

/**
 * Publishes a finished file, only if this worker still holds the job and no cancel was asked. The
 * notification it owes is pending from here (the outbox: `notified_at` stays null until it is sent).
 */
export async function complete(
  store: Store,
  lease: Lease,
  result: { recordCount: number; bytes: number; sha256: string; blobKey: string; retentionMs: number; sums?: Readonly<Record<string, number>> | null },
): Promise<boolean> {
  const now = Date.now();
  const updated = await store.db
    .updateTable('exports')
    .set({
      status: 'completed',
      rows_written: result.recordCount,
      record_count: result.recordCount,
      bytes: result.bytes,
      sha256: result.sha256,
      blob_key: result.blobKey,
      sums: result.sums ? JSON.stringify(result.sums) : null,
      finished_at: now,
      expires_at: now + result.retentionMs,
      lease_owner: null,
      lease_expires_at: null,
      error: null,
    })
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('status', '=', 'running')
    .where('cancel_requested', '=', 0)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
