import type { Logger } from 'pino';
import { emailsByDefault } from '../auth/preferences.js';
import { getDataset } from '../datasets/catalogue.js';
import { localDate } from '../datasets/time.js';
import type { Store } from '../db/database.js';
import type { ExportsTable } from '../db/schema.js';
import type { Notifier } from '../notify/notifier.js';
import { parseParams } from './model.js';
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
      datasetTitle: titleOf(job.dataset),
      period: periodOf(job),
      byDefault: emailsByDefault(job.source),
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

/** "Workflow runs": the catalogue's title (the table name if the dataset is no longer offered). */
function titleOf(dataset: string): string {
  try {
    return getDataset(dataset).title;
  } catch {
    return dataset;
  }
}

/**
 * The days an export covers, both inclusive, in its timezone: "2025-03-01 – 2025-03-31 (UTC)" (`to` is
 * the last millisecond covered, so its day is the last day). Undefined if the stored plan is unreadable.
 */
function periodOf(job: ExportsTable): string | undefined {
  try {
    const { from, to, timezone } = parseParams(job.params);
    const start = Date.parse(from) <= 0 ? 'the beginning of the data' : localDate(Date.parse(from), timezone);
    return `${start} – ${localDate(Date.parse(to), timezone)} (${timezone})`;
  } catch {
    return undefined;
  }
}
