import type { Logger } from 'pino';
import type { Store } from '../db/database.js';
import type { Notifier } from '../notify/notifier.js';
import { claimNotification, markNotified, pendingNotifications } from './queue/index.js';

/** How long a sender holds a notification before another may send it (its email and webhook must fit). */
const CLAIM_MS = 5 * 60_000;

export interface NotifyDeps {
  readonly store: Store;
  readonly notifier?: Notifier;
  readonly logger: Logger;
}

/**
 * Sends the notification an ended export owes, if it owes one and nobody else is sending it, and marks
 * it sent. Never throws: a failed send stays owed, and the sweeper tries again after the claim runs out.
 * @example await sendOwedNotification(deps, exportId);
 */
export async function sendOwedNotification(deps: NotifyDeps, id: string): Promise<void> {
  if (!deps.notifier) return;
  try {
    const job = await claimNotification(deps.store, id, CLAIM_MS);
    if (!job) return;
    const completed = job.status === 'completed';
    await deps.notifier.exportFinished({
      exportId: job.id,
      orgId: job.org_id,
      dataset: job.dataset,
      status: completed ? 'completed' : 'failed',
      format: job.format,
      email: job.notify_email,
      webhookUrl: job.webhook_url,
      ...(completed ? { recordCount: Number(job.record_count), bytes: Number(job.bytes), sha256: job.sha256 } : { error: job.error }),
    });
    await markNotified(deps.store, id);
  } catch (err) {
    deps.logger.warn({ err, exportId: id }, 'could not send the export notification; it stays owed');
  }
}

/** Sends every notification still owed whose sender died or failed (run by the sweeper). */
export async function sendPendingNotifications(deps: NotifyDeps, now = Date.now()): Promise<number> {
  if (!deps.notifier) return 0;
  const ids = await pendingNotifications(deps.store, now);
  for (const id of ids) await sendOwedNotification(deps, id);
  return ids.length;
}
