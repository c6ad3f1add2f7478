import { sql } from 'kysely';
import type { Store } from '../../db/database.js';
import type { ExportsTable } from '../../db/schema.js';

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

/** Claims one specific queued job (synchronous surfaces run their own export inline). */
export async function claimById(store: Store, id: string, workerId: string, leaseMs: number): Promise<ExportsTable | undefined> {
  const now = Date.now();
  return store.db
    .updateTable('exports')
    .set((eb) => ({ status: 'running', attempt: eb('attempt', '+', 1), lease_owner: workerId, lease_expires_at: now + leaseMs, started_at: now, rows_written: 0 }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('cancel_requested', '=', 0)
    .returningAll()
    .executeTakeFirst();
}
