import { sql } from 'kysely';
import type { Store } from '../db/database.js';
import type { ExportsTable } from '../db/schema.js';

/*
 * The queue operations on the `exports` table. Each is one statement, so each is atomic on both
 * dialects; `attempt` is the fencing token that every write by a worker is conditioned on.
 */

/** Which job a worker holds: the row id and the attempt (fencing token) it claimed. */
export interface Lease {
  readonly id: string;
  readonly attempt: number;
}

/**
 * Claims the next runnable job: queued and due, or running with an expired lease (its worker died).
 * Respects the per-org concurrency limit. Returns the claimed row, or undefined when there is nothing.
 */
export async function claimNext(store: Store, workerId: string, opts: { leaseMs: number; orgConcurrency: number; now?: number }): Promise<ExportsTable | undefined> {
  const now = opts.now ?? Date.now();
  const skipLocked = store.dialect.supportsSkipLocked ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const result = await sql<ExportsTable>`
    UPDATE exports
       SET status = 'running', attempt = attempt + 1, lease_owner = ${workerId}, lease_expires_at = ${now + opts.leaseMs},
           started_at = COALESCE(started_at, ${now}), rows_written = 0
     WHERE id = (
       SELECT e.id FROM exports e
        WHERE ((e.status = 'queued' AND e.run_after <= ${now}) OR (e.status = 'running' AND e.lease_expires_at < ${now}))
          AND e.attempt < e.max_attempts
          AND e.cancel_requested = 0
          AND (SELECT count(*) FROM exports r
                WHERE r.org_id = e.org_id AND r.status = 'running' AND r.lease_expires_at >= ${now}) < ${opts.orgConcurrency}
        ORDER BY e.run_after, e.created_at
        LIMIT 1
        ${skipLocked}
     )
    RETURNING *`.execute(store.db);
  return result.rows[0];
}

/** Extends the lease and records progress. Returns null when the lease was lost (re-claimed or deleted). */
export async function heartbeat(store: Store, lease: Lease, opts: { leaseMs: number; rowsWritten: number; estimatedTotal?: number }): Promise<{ cancelRequested: boolean } | null> {
  const set: Record<string, number> = { lease_expires_at: Date.now() + opts.leaseMs, rows_written: opts.rowsWritten };
  if (opts.estimatedTotal !== undefined) set.estimated_total = opts.estimatedTotal;
  const row = await store.db
    .updateTable('exports')
    .set(set)
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('status', '=', 'running')
    .returning(['cancel_requested'])
    .executeTakeFirst();
  return row ? { cancelRequested: Number(row.cancel_requested) === 1 } : null;
}

/** Publishes a finished file, only if this worker still holds the job and no cancel was asked. */
export async function complete(
  store: Store,
  lease: Lease,
  result: { recordCount: number; bytes: number; sha256: string; blobKey: string; retentionMs: number },
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

/** Records a failure: back to the queue after `retryInMs`, or `failed` for good when attempts are spent. */
export async function fail(store: Store, lease: Lease, error: string, retryInMs: number | null): Promise<'retrying' | 'failed' | 'lost'> {
  const now = Date.now();
  const row = await store.db.selectFrom('exports').select(['attempt', 'max_attempts']).where('id', '=', lease.id).executeTakeFirst();
  const retry = retryInMs !== null && row !== undefined && Number(row.attempt) < Number(row.max_attempts);
  const updated = await store.db
    .updateTable('exports')
    .set(
      retry
        ? { status: 'queued', run_after: now + retryInMs, error, lease_owner: null, lease_expires_at: null }
        : { status: 'failed', finished_at: now, error, lease_owner: null, lease_expires_at: null },
    )
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('status', '=', 'running')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return 'lost';
  return retry ? 'retrying' : 'failed';
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

/** Jobs whose worker died on their last attempt: nobody may claim them again, so they fail here. */
export async function failAbandoned(store: Store, now = Date.now()): Promise<number> {
  const res = await store.db
    .updateTable('exports')
    .set({ status: 'failed', finished_at: now, error: 'The worker running this export stopped responding on its last attempt', lease_owner: null, lease_expires_at: null })
    .where('status', '=', 'running')
    .where('lease_expires_at', '<', now)
    .where((eb) => eb('attempt', '>=', eb.ref('max_attempts')))
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Claims one specific queued job (synchronous surfaces run their own export inline). */
export async function claimById(store: Store, id: string, workerId: string, leaseMs: number): Promise<ExportsTable | undefined> {
  const now = Date.now();
  return store.db
    .updateTable('exports')
    .set((eb) => ({ status: 'running', attempt: eb('attempt', '+', 1), lease_owner: workerId, lease_expires_at: now + leaseMs, started_at: now, rows_written: 0 }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .returningAll()
    .executeTakeFirst();
}
