import type { RunnerDeps } from './runner.js';
import { failAbandoned } from './queue.js';

/**
 * Housekeeping shared by every worker: deletes files past their expiry (history shows `expired`),
 * fails jobs whose last attempt's worker died, and settles cancellations whose worker died.
 */
export async function sweep(deps: Pick<RunnerDeps, 'store' | 'blobs' | 'logger'>, now = Date.now()): Promise<{ expired: number; abandoned: number }> {
  const { store, blobs } = deps;
  const due = await store.db
    .selectFrom('exports')
    .select(['id', 'blob_key'])
    .where('status', '=', 'completed')
    .where('expires_at', '<=', now)
    .limit(500)
    .execute();
  for (const row of due) {
    if (row.blob_key) await blobs.delete(row.blob_key).catch((err) => deps.logger.warn({ err, exportId: row.id }, 'could not delete expired file'));
    await store.db.updateTable('exports').set({ status: 'expired' }).where('id', '=', row.id).where('status', '=', 'completed').execute();
  }
  await store.db
    .updateTable('exports')
    .set({ status: 'cancelled', finished_at: now, lease_owner: null, lease_expires_at: null })
    .where('status', '=', 'running')
    .where('cancel_requested', '=', 1)
    .where('lease_expires_at', '<', now)
    .execute();
  const abandoned = await failAbandoned(store, now);
  return { expired: due.length, abandoned };
}
