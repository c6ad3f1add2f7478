import type { Store } from '../../db/database.js';
import type { ExportsTable } from '../../db/schema.js';

/*
 * The notification outbox is two columns of the export itself: a completed or failed export with an
 * email or webhook target owes a notification until `notified_at` is set. A sender claims it for a while
 * (`notify_claimed_until`) so two senders do not both send; if the sender dies, the claim runs out and
 * the sweeper sends it. A crash after sending and before marking re-sends with the same webhook id,
 * which receivers deduplicate.
 */

/** Claims an export's pending notification; the row when claimed, undefined when none is owed or another holds it. */
export async function claimNotification(store: Store, id: string, claimMs: number, now = Date.now()): Promise<ExportsTable | undefined> {
  return store.db
    .updateTable('exports')
    .set({ notify_claimed_until: now + claimMs })
    .where('id', '=', id)
    .where('status', 'in', ['completed', 'failed'])
    .where('notified_at', 'is', null)
    .where((eb) => eb.or([eb('notify_email', 'is not', null), eb('webhook_url', 'is not', null)]))
    .where((eb) => eb.or([eb('notify_claimed_until', 'is', null), eb('notify_claimed_until', '<', now)]))
    .returningAll()
    .executeTakeFirst();
}

/** Records that the notification was sent. */
export async function markNotified(store: Store, id: string, now = Date.now()): Promise<void> {
  await store.db.updateTable('exports').set({ notified_at: now, notify_claimed_until: null }).where('id', '=', id).execute();
}

/** Ids of exports that still owe a notification and that no live sender holds (for the sweeper). */
export async function pendingNotifications(store: Store, now = Date.now(), limit = 100): Promise<string[]> {
  const rows = await store.db
    .selectFrom('exports')
    .select('id')
    .where('status', 'in', ['completed', 'failed'])
    .where('notified_at', 'is', null)
    .where((eb) => eb.or([eb('notify_email', 'is not', null), eb('webhook_url', 'is not', null)]))
    .where((eb) => eb.or([eb('notify_claimed_until', 'is', null), eb('notify_claimed_until', '<', now)]))
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
