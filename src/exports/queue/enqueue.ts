import type { Kysely } from 'kysely';
import type { Database, ExportsTable } from '../../db/schema.js';

/**
 * Inserts a queued export. With an idempotency key, a row already holding that key wins and this insert
 * does nothing (returns false), so concurrent retries create one export. `db` may be a transaction.
 */
export async function enqueue(db: Kysely<Database>, row: ExportsTable): Promise<boolean> {
  const insert = db.insertInto('exports').values(row);
  const res = await (row.idempotency_key ? insert.onConflict((oc) => oc.columns(['org_id', 'user_id', 'idempotency_key']).doNothing()) : insert).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
}
