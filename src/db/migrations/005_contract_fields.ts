import type { Kysely } from 'kysely';

/*
 * Optional contract fields that vendor columns need a source for (issue 11): users' pay-as-you-go
 * limit and permission group, agents' public URL, credit logs' project, balance scope and permission
 * group, and messages' prompt-cache token counts (Langdock's BYOK token statistics). All nullable, so
 * rows ingested before this migration stay valid and exports show them empty.
 */

const COLUMNS: Record<string, [string, 'text' | 'double precision' | 'bigint'][]> = {
  users: [
    ['payg_limit', 'double precision'],
    ['permission_group_id', 'text'],
    ['permission_group_name', 'text'],
  ],
  agents: [['url', 'text']],
  credit_logs: [
    ['project_id', 'text'],
    ['balance_scope', 'text'],
    ['permission_group_id', 'text'],
    ['permission_group_name', 'text'],
  ],
  messages: [
    // 64-bit like every integer of the contract (004_bigint).
    ['cached_prompt_tokens', 'bigint'],
    ['cache_creation_tokens', 'bigint'],
  ],
};

/** Adds the new nullable columns (one ALTER per column: SQLite adds one at a time). */
export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(COLUMNS)) {
    for (const [name, type] of columns) await db.schema.alterTable(table).addColumn(name, type).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(COLUMNS)) {
    for (const [name] of columns) await db.schema.alterTable(table).dropColumn(name).execute();
  }
}
