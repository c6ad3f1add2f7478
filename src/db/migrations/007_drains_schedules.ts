import type { Kysely } from 'kysely';

/**
 * Drains and schedules. Each is a queue like `exports`: claimed with a lease, `attempt` the fencing
 * token every worker write is conditioned on. A drain's `cursor` is a change-sequence number; its
 * `pending_*` range is the batch being delivered (fixed before sending, so a retry after a crash sends
 * the same range under the same idempotency key). A schedule's `next_from` is the start of its next window.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('drains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('cursor', 'bigint', (c) => c.notNull())
    .addColumn('start_at', 'bigint')
    .addColumn('pending_from', 'bigint')
    .addColumn('pending_to', 'bigint')
    .addColumn('pending_at', 'bigint')
    .addColumn('replay_next', 'bigint')
    .addColumn('replay_to', 'bigint')
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_after', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_delivery_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('records_delivered', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('deliveries_ok', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('deliveries_failed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('drains_queue_idx').on('drains').columns(['status', 'run_after']).execute();
  await db.schema.createIndex('drains_org_idx').on('drains').columns(['org_id', 'created_at']).execute();

  await db.schema
    .createTable('drain_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('drain_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_seq', 'bigint', (c) => c.notNull())
    .addColumn('to_seq', 'bigint', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('response', 'text')
    .addColumn('error', 'text')
    .addColumn('objects', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('drain_deliveries_drain_idx').on('drain_deliveries').columns(['drain_id', 'created_at']).execute();

  await db.schema
    .createTable('schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('every', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('destination', 'text')
    .addColumn('secrets', 'text')
    .addColumn('notify_email', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('next_from', 'bigint', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_after', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('schedules_queue_idx').on('schedules').columns(['status', 'run_after']).execute();

  await db.schema.alterTable('exports').addColumn('schedule_id', 'text').execute();
  await db.schema.alterTable('exports').addColumn('uploaded_at', 'bigint').execute();
  await db.schema.createIndex('exports_schedule_idx').on('exports').columns(['schedule_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('exports_schedule_idx').execute();
  await db.schema.alterTable('exports').dropColumn('uploaded_at').execute();
  await db.schema.alterTable('exports').dropColumn('schedule_id').execute();
  for (const t of ['schedules', 'drain_deliveries', 'drains']) await db.schema.dropTable(t).execute();
}
