import { sql } from 'kysely';
import type { Store } from '../../db/database.js';
import type { Lease } from './lease.js';

/**
 * Asks for a cancel in one statement: a queued export is cancelled at once; a running one is flagged,
 * and its worker stops at its next heartbeat. Returns the status after, or undefined when the export was
 * not queued or running (already terminal, or no such row).
 */
export async function requestCancel(store: Store, id: string, orgId: string): Promise<'cancelled' | 'running' | undefined> {
  const now = Date.now();
  const row = await store.db
    .updateTable('exports')
    .set({
      status: sql`CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END`,
      finished_at: sql`CASE WHEN status = 'queued' THEN CAST(${now} AS BIGINT) ELSE finished_at END`,
      cancel_requested: sql`CASE WHEN status = 'running' THEN 1 ELSE cancel_requested END`,
    })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('status', 'in', ['queued', 'running'])
    .returning(['status'])
    .executeTakeFirst();
  return row ? (row.status as 'cancelled' | 'running') : undefined;
}

/** Marks a job cancelled after its worker stopped streaming. */
export async function markCancelled(store: Store, lease: Lease): Promise<void> {
  await store.db
    .updateTable('exports')
    .set({ status: 'cancelled', finished_at: Date.now(), lease_owner: null, lease_expires_at: null })
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('status', '=', 'running')
    .execute();
}

/** Settles cancellations whose worker died before it could stop (its lease ran out). */
export async function settleCancelled(store: Store, now = Date.now()): Promise<number> {
  const res = await store.db
    .updateTable('exports')
    .set({ status: 'cancelled', finished_at: now, lease_owner: null, lease_expires_at: null })
    .where('status', '=', 'running')
    .where('cancel_requested', '=', 1)
    .where('lease_expires_at', '<', now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
