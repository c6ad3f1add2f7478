import type { Kysely } from 'kysely';

/*
 * Rows a drain filter cannot place yet: a run whose workflow (or that workflow's workspace) has not
 * been ingested, an interaction whose agent (or its workspace) has not, an agent whose workspace has
 * not. When the parent arrives, ingest gives exactly these rows new change sequences, found by key,
 * with no index on the large child tables (src/ingest/parents.ts). One row per waiting child.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sequence_orphans')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('child_table', 'text', (c) => c.notNull())
    .addColumn('child_id', 'text', (c) => c.notNull())
    .addColumn('parent_table', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sequence_orphans_pk', ['org_id', 'child_table', 'child_id'])
    .execute();
  await db.schema.createIndex('sequence_orphans_parent_idx').on('sequence_orphans').columns(['org_id', 'parent_table', 'parent_id', 'child_table']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sequence_orphans').execute();
}
