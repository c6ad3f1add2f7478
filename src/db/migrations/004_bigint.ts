import { PostgresAdapter, type Kysely } from 'kysely';

/*
 * Every integer column of the data contract becomes 64-bit. PostgreSQL's `integer` is 32-bit, so a
 * platform sending `message_count: 2147483648` or `prompt_tokens: 3e9` got a 500; ingest accepts any
 * integer up to Number.MAX_SAFE_INTEGER. SQLite's INTEGER is already 64-bit: nothing to do there.
 * The 0/1 flags change too, so that no contract column is 32-bit and the bulk path binds one type.
 * Migrations may run out of order (a database that already has 005 gets 004 later), so only columns
 * that exist are changed: on a fresh database 005 adds its token counts as bigint itself.
 */

const COLUMNS: Record<string, string[]> = {
  workflows: ['enabled'],
  agent_interactions: ['message_count'],
  messages: ['byok', 'prompt_tokens', 'completion_tokens', 'cached_prompt_tokens', 'cache_creation_tokens'],
  scheduled_tasks: ['enabled'],
};

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await setType(db, 'bigint');
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await setType(db, 'integer');
}

async function setType(db: Kysely<any>, type: 'bigint' | 'integer'): Promise<void> {
  const existing = new Map((await db.introspection.getTables()).map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
  for (const [table, columns] of Object.entries(COLUMNS)) {
    for (const column of columns) {
      if (existing.get(table)?.has(column)) await db.schema.alterTable(table).alterColumn(column, (c) => c.setDataType(type)).execute();
    }
  }
}
