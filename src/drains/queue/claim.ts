import { sql } from 'kysely';
import type { Store } from '../../db/database.js';
import type { DrainsTable } from '../../db/schema.js';

/**
 * Claims the next due active drain whose lease is free or expired: one worker per drain at a time
 * (`FOR UPDATE SKIP LOCKED` on PostgreSQL). Bumps `attempt`, the fencing token.
 */
export async function claimNextDrain(store: Store, workerId: string, opts: { leaseMs: number; now?: number }): Promise<DrainsTable | undefined> {
  const now = opts.now ?? Date.now();
  const skipLocked = store.dialect.supportsSkipLocked ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const result = await sql<DrainsTable>`
    UPDATE drains
       SET attempt = attempt + 1, lease_owner = ${workerId}, lease_expires_at = ${now + opts.leaseMs}
     WHERE id = (
       SELECT d.id FROM drains d
        WHERE d.status = 'active' AND d.run_after <= ${now}
          AND (d.lease_expires_at IS NULL OR d.lease_expires_at < ${now})
        ORDER BY d.run_after
        LIMIT 1
        ${skipLocked}
     )
       AND (lease_expires_at IS NULL OR lease_expires_at < ${now})
    RETURNING *`.execute(store.db);
  return result.rows[0];
}
