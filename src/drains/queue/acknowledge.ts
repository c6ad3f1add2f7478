import type { Store } from '../../db/database.js';
import type { DrainDeliveriesTable } from '../../db/schema.js';
import { LeaseLost, type DrainLease } from './lease.js';

/**
 * Records an acknowledged delivery and moves the drain on, in one transaction, only while this worker
 * holds the lease: a delivery advances the cursor to its range's end and clears the pending batch; a
 * replay advances only the replay position. False (and nothing written) when the lease was lost.
 */
export async function acknowledge(store: Store, lease: DrainLease, delivery: DrainDeliveriesTable): Promise<boolean> {
  try {
    await store.db.transaction().execute(async (trx) => {
      const moved =
        delivery.kind === 'replay'
          ? trx
              .updateTable('drains')
              .set((eb) => ({
                replay_next: eb.case().when('replay_to', '<=', delivery.to_seq).then(null).else(delivery.to_seq + 1).end(),
                replay_to: eb.case().when('replay_to', '<=', delivery.to_seq).then(null).else(eb.ref('replay_to')).end(),
              }))
          : trx
              .updateTable('drains')
              .set((eb) => ({
                cursor: delivery.to_seq,
                pending_from: null,
                pending_to: null,
                pending_at: null,
                records_delivered: eb('records_delivered', '+', delivery.records),
              }));
      const res = await moved
        .set((eb) => ({
          consecutive_failures: 0,
          last_delivery_at: delivery.created_at,
          last_error: null,
          deliveries_ok: eb('deliveries_ok', '+', delivery.records > 0 ? 1 : 0),
          updated_at: delivery.created_at,
        }))
        .where('id', '=', lease.id)
        .where('attempt', '=', lease.attempt)
        .where('lease_owner', 'is not', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new LeaseLost();
      if (delivery.records > 0) await trx.insertInto('drain_deliveries').values(delivery).execute();
    });
    return true;
  } catch (err) {
    if (err instanceof LeaseLost) return false;
    throw err;
  }
}
