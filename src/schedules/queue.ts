import { sql } from 'kysely';
import type { Store } from '../db/database.js';
import { parseParams } from '../exports/model.js';
import type { ExportsTable, SchedulesTable } from '../db/schema.js';

/*
 * The `schedules` table is a queue like `exports` and `drains`: claimed under a lease, `attempt` the
 * fencing token. Each statement is one atomic, fenced change.
 */

export interface ScheduleLease {
  readonly id: string;
  readonly attempt: number;
}

/** Claims a due active schedule whose lease is free or expired (one worker per schedule at a time). */
export async function claimNextSchedule(store: Store, workerId: string, opts: { leaseMs: number; now?: number }): Promise<SchedulesTable | undefined> {
  const now = opts.now ?? Date.now();
  const skipLocked = store.dialect.supportsSkipLocked ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const result = await sql<SchedulesTable>`
    UPDATE schedules SET attempt = attempt + 1, lease_owner = ${workerId}, lease_expires_at = ${now + opts.leaseMs}
     WHERE id = (
       SELECT s.id FROM schedules s
        WHERE s.status = 'active' AND s.run_after <= ${now} AND (s.lease_expires_at IS NULL OR s.lease_expires_at < ${now})
        ORDER BY s.run_after LIMIT 1 ${skipLocked}
     )
       AND (lease_expires_at IS NULL OR lease_expires_at < ${now})
    RETURNING *`.execute(store.db);
  return result.rows[0];
}

/** Moves the schedule past a window whose export exists: false when the lease was lost. */
export async function advanceWindow(store: Store, lease: ScheduleLease, from: number, to: number): Promise<boolean> {
  const res = await store.db
    .updateTable('schedules')
    .set({ next_from: to, updated_at: Date.now(), last_error: null })
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('next_from', '=', from)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Extends the lease while a run is under way (a slow upload can outlast one lease): false when another
 * worker holds the schedule now, or it was deleted, so this worker stops before recording anything.
 */
export async function extendScheduleLease(store: Store, lease: ScheduleLease, leaseMs: number): Promise<boolean> {
  const res = await store.db
    .updateTable('schedules')
    .set({ lease_expires_at: Date.now() + leaseMs })
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('lease_owner', 'is not', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Hands the schedule back, due again at `runAfter`, with the error of this run if any. */
export async function releaseSchedule(store: Store, lease: ScheduleLease, runAfter: number, error: string | null = null): Promise<void> {
  await store.db
    .updateTable('schedules')
    .set({ lease_owner: null, lease_expires_at: null, run_after: runAfter, ...(error ? { last_error: error } : {}) })
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .execute();
}

/**
 * Records that a run's file and manifest reached the destination, only while this worker holds the
 * schedule: false (nothing written) when the lease was lost, so the next holder uploads it again.
 */
export async function markUploaded(store: Store, lease: ScheduleLease, exportId: string, at = Date.now()): Promise<boolean> {
  return store.db.transaction().execute(async (trx) => {
    const held = await trx.updateTable('schedules').set({ updated_at: at, last_error: null }).where('id', '=', lease.id).where('attempt', '=', lease.attempt).executeTakeFirst();
    if (Number(held.numUpdatedRows) !== 1) return false;
    await trx.updateTable('exports').set({ uploaded_at: at }).where('id', '=', exportId).where('schedule_id', '=', lease.id).where('uploaded_at', 'is', null).execute();
    return true;
  });
}

/** The schedule's runs still owed to its destination, oldest window first: completed ones, and how many are still being exported. */
export async function owedUploads(store: Store, scheduleId: string): Promise<{ ready: ExportsTable[]; waiting: number }> {
  const rows = await store.db
    .selectFrom('exports')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('uploaded_at', 'is', null)
    .where('status', 'in', ['queued', 'running', 'completed'])
    .execute();
  const ready = rows.filter((r) => r.status === 'completed').sort((a, b) => Date.parse(parseParams(a.params).from) - Date.parse(parseParams(b.params).from));
  return { ready, waiting: rows.length - ready.length };
}
