import type { Store } from '../../db/database.js';

/** Deletes an export row; a worker still running it finds the row gone and publishes nothing. Returns its file key. */
export async function removeExport(store: Store, id: string, orgId: string): Promise<{ blob_key: string | null } | undefined> {
  return store.db.deleteFrom('exports').where('id', '=', id).where('org_id', '=', orgId).returning(['blob_key']).executeTakeFirst();
}
