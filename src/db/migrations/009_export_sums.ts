import type { Kysely } from 'kysely';

/*
 * The sums a completed export's manifest signs (credit_cost / amount), fixed when the export is
 * published: read in the snapshot its file was written from, so a row ingested or changed afterwards
 * cannot make them disagree with the file. JSON text `{"credit_cost": 12.5}`; null for datasets
 * without such fields, and for exports completed before this migration (their manifests carry no sums).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exports').addColumn('sums', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exports').dropColumn('sums').execute();
}
