import { sql, type Kysely } from 'kysely';

/** The record tables that carry a per-org change sequence (drains read them in sequence order). */
export const SEQUENCED_TABLES = ['workflow_runs', 'agents', 'agent_interactions', 'credit_logs', 'llm_logs', 'audit_log'] as const;

/**
 * The change sequence (DESIGN.md "Continuous delivery"): every record table gets `seq`, assigned from a
 * per-(org, table) counter row in `org_sequences` inside the writing transaction. Updating the counter
 * row locks it until commit, so two writers of one org's table commit in sequence order: a reader that
 * has seen N never later finds a committed row below N. Existing rows are numbered in creation order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('org_sequences')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('last', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('org_sequences_pk', ['org_id', 'stream'])
    .execute();
  for (const table of SEQUENCED_TABLES) {
    await db.schema.alterTable(table).addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    await sql`UPDATE ${sql.table(table)} SET seq = s.n
      FROM (SELECT org_id, id, row_number() OVER (PARTITION BY org_id ORDER BY created_at, id) AS n FROM ${sql.table(table)}) AS s
      WHERE ${sql.table(table)}.org_id = s.org_id AND ${sql.table(table)}.id = s.id`.execute(db);
    await sql`INSERT INTO org_sequences (org_id, stream, last) SELECT org_id, ${table}, max(seq) FROM ${sql.table(table)} GROUP BY org_id`.execute(db);
    await db.schema.createIndex(`${table}_org_seq_idx`).on(table).columns(['org_id', 'seq']).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of SEQUENCED_TABLES) {
    await db.schema.dropIndex(`${table}_org_seq_idx`).execute();
    await db.schema.alterTable(table).dropColumn('seq').execute();
  }
  await db.schema.dropTable('org_sequences').execute();
}
