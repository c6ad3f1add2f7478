import { sql } from 'kysely';
import type { Store } from '../../db/database.js';
import type { DrainDeliveriesTable } from '../../db/schema.js';
import { LeaseLost, type DrainLease } from './lease.js';

/** Failed deliveries in a row after which a drain stops (status `error`, paused). */
export const MAX_CONSECUTIVE_FAILURES = 3;

/**
 * Records a failed delivery in one transaction while this worker holds the lease: the failure count
 * goes up and the drain retries after `retryInMs`; the third failure in a row sets status `error` and
 * releases the lease. The cursor never moves. Returns what became of the drain.
 */
export async function recordFailure(store: Store, lease: DrainLease, delivery: DrainDeliveriesTable, retryInMs: number): Promise<'retrying' | 'stopped' | 'lost'> {
  try {
    return await store.db.transaction().execute(async (trx) => {
      const stop = sql<boolean>`consecutive_failures + 1 >= ${MAX_CONSECUTIVE_FAILURES}`;
      const row = await trx
        .updateTable('drains')
        .set((eb) => ({
          consecutive_failures: eb('consecutive_failures', '+', 1),
          deliveries_failed: eb('deliveries_failed', '+', 1),
          status: sql`CASE WHEN ${stop} THEN 'error' ELSE status END`,
          last_error: delivery.error,
          run_after: delivery.created_at + retryInMs,
          lease_owner: null,
          lease_expires_at: null,
          updated_at: delivery.created_at,
        }))
        .where('id', '=', lease.id)
        .where('attempt', '=', lease.attempt)
        .where('lease_owner', 'is not', null)
        .returning(['status'])
        .executeTakeFirst();
      if (!row) throw new LeaseLost();
      await trx.insertInto('drain_deliveries').values(delivery).execute();
      return row.status === 'error' ? 'stopped' : 'retrying';
    });
  } catch (err) {
    if (err instanceof LeaseLost) return 'lost';
    throw err;
  }
}
