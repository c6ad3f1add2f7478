import { sendPendingNotifications } from './notify.js';
import { expireDue, failAbandoned, settleCancelled } from './queue/index.js';
import type { RunnerDeps } from './runner.js';

/**
 * Housekeeping shared by every worker: deletes files past their expiry (history shows `expired`),
 * fails jobs whose last attempt's worker died, settles cancellations whose worker died, and sends
 * notifications still owed (their sender died between publishing and notifying).
 */
export async function sweep(deps: Pick<RunnerDeps, 'store' | 'blobs' | 'logger' | 'notifier'>, now = Date.now()): Promise<{ expired: number; abandoned: number; notified: number }> {
  const { store, blobs } = deps;
  const expired = await expireDue(store, now);
  for (const row of expired) {
    if (row.blob_key) await blobs.delete(row.blob_key).catch((err) => deps.logger.warn({ err, exportId: row.id }, 'could not delete expired file'));
  }
  await settleCancelled(store, now);
  const abandoned = await failAbandoned(store, now);
  const notified = await sendPendingNotifications(deps, now);
  return { expired: expired.length, abandoned, notified };
}
