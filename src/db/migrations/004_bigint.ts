import { PostgresAdapter, type Kysely } from 'kysely';

/*
 * Every integer column of the data contract becomes 64-bit. PostgreSQL's `integer` is 32-bit, so a
 * platform sending `message_count: 2147483648` or `prompt_tokens: 3e9` got a 500; ingest accepts any
 * integer up to Number.MAX_SAFE_INTEGER. SQLite's INTEGER is already 64-bit: nothing to do there.
 * The 0/1 flags change too, so that no contract column is 32-bit and the bulk path binds one type.
 */

const COLUMNS: Record<string, string[]> = {
  workflows: ['enabled'],
  agent_interactions: ['message_count'],
  messages: ['byok', 'prompt_tokens', 'completion_tokens'],
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
  for (const [table, columns] of Object.entries(COLUMNS)) {
    for (const column of columns) await db.schema.alterTable(table).alterColumn(column, (c) => c.setDataType(type)).execute();
  }
}
