import type { Store } from '../../db/database.js';
import type { DrainDeliveriesTable } from '../../db/schema.js';
import { LeaseLost, type DrainLease } from './lease.js';

/**
 * Records that a day's manifest was written (a `manifest` row in the delivery log), only while this
 * worker holds the lease. False (nothing written) when the lease was lost: the next holder writes the
 * same manifest again, to the same key.
 */
export async function recordManifest(store: Store, lease: DrainLease, row: DrainDeliveriesTable): Promise<boolean> {
  try {
    await store.db.transaction().execute(async (trx) => {
      const held = await trx
        .updateTable('drains')
        .set({ updated_at: row.created_at })
        .where('id', '=', lease.id)
        .where('attempt', '=', lease.attempt)
        .where('lease_owner', 'is not', null)
        .executeTakeFirst();
      if (Number(held.numUpdatedRows) !== 1) throw new LeaseLost();
      await trx.insertInto('drain_deliveries').values(row).execute();
    });
    return true;
  } catch (err) {
    if (err instanceof LeaseLost) return false;
    throw err;
  }
}
