import { sql, type Kysely } from 'kysely';

/** The notification outbox on exports: a terminal export owes its email/webhook until `notified_at` is set. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('exports').addColumn('notified_at', 'bigint').execute();
  await db.schema.alterTable('exports').addColumn('notify_claimed_until', 'bigint').execute();
  // Exports that ended before the outbox existed were notified (or not) then: owe nothing now.
  await sql`UPDATE exports SET notified_at = finished_at WHERE status IN ('completed', 'failed', 'expired', 'cancelled')`.execute(db);
  await db.schema.createIndex('exports_outbox_idx').on('exports').columns(['notified_at', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('exports_outbox_idx').execute();
  await db.schema.alterTable('exports').dropColumn('notify_claimed_until').execute();
  await db.schema.alterTable('exports').dropColumn('notified_at').execute();
}
