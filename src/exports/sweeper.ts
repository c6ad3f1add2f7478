import { sendPendingNotifications } from './notify.js';
import { expireDue, failAbandoned, liveAttempts, settleCancelled } from './queue/index.js';
import type { RunnerDeps } from './runner.js';

/** Unfinished writes younger than this are never swept, even when their attempt looks dead (clock skew, a claim racing the sweep). */
const DEFAULT_GRACE_MS = 60_000;

/**
 * Housekeeping shared by every worker: deletes files past their expiry (history shows `expired`),
 * fails jobs whose last attempt's worker died, settles cancellations whose worker died, sends
 * notifications still owed (their sender died between publishing and notifying), and removes the
 * unfinished writes (temp files, multipart uploads) of attempts whose worker died.
 * `graceMs` defaults to twice the lease, at least a minute.
 */
export async function sweep(
  deps: Pick<RunnerDeps, 'store' | 'blobs' | 'logger' | 'notifier'> & { config?: { leaseSeconds: number } },
  now = Date.now(),
  opts: { graceMs?: number } = {},
): Promise<{ expired: number; abandoned: number; notified: number; incomplete: number }> {
  const { store, blobs } = deps;
  const expired = await expireDue(store, now);
  for (const row of expired) {
    // The whole export directory: a killed attempt may have left a finished but unpublished file beside it.
    if (row.blob_key) await blobs.deletePrefix(exportDir(row.blob_key)).catch((err) => deps.logger.warn({ err, exportId: row.id }, 'could not delete expired file'));
  }
  await settleCancelled(store, now);
  const abandoned = await failAbandoned(store, now);
  const notified = await sendPendingNotifications(deps, now);
  const graceMs = opts.graceMs ?? Math.max(DEFAULT_GRACE_MS, 2 * (deps.config?.leaseSeconds ?? 30) * 1000);
  const live = await liveAttempts(store, now);
  const incomplete = await blobs.sweepIncomplete({ olderThan: now - graceMs, isLive: (dir) => live.has(dir) });
  if (incomplete > 0) deps.logger.info({ incomplete }, 'removed unfinished writes of dead attempts');
  return { expired: expired.length, abandoned, notified, incomplete };
}

/** `org/export/attempt/file` → `org/export/`, the directory every attempt of one export writes under. */
export function exportDir(blobKey: string): string {
  return `${blobKey.split('/').slice(0, 2).join('/')}/`;
}
