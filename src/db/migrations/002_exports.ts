import type { Kysely } from 'kysely';

/** The export jobs table, which is also the queue (DESIGN.md: "The exports table is the queue"). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('exports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('compression', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // Fencing token: bumped at every claim; only the holder of the current attempt may publish.
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_after', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_written', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('estimated_total', 'bigint')
    .addColumn('record_count', 'bigint')
    .addColumn('bytes', 'bigint')
    .addColumn('sha256', 'text')
    .addColumn('blob_key', 'text')
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text')
    .addColumn('notify_email', 'text')
    .addColumn('webhook_url', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('exports_queue_idx').on('exports').columns(['status', 'run_after']).execute();
  await db.schema.createIndex('exports_org_created_idx').on('exports').columns(['org_id', 'created_at']).execute();
  await db.schema.createIndex('exports_idempotency_idx').on('exports').columns(['org_id', 'user_id', 'idempotency_key']).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('exports').execute();
}
