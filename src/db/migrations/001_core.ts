import type { Kysely } from 'kysely';

type ColType = 'text' | 'bigint' | 'integer' | 'double precision';
/** `name: type` with a trailing `!` on the type meaning NOT NULL. */
type Columns = Record<string, `${ColType}${'' | '!'}`>;

async function table(db: Kysely<any>, name: string, columns: Columns, primaryKey: string[]): Promise<void> {
  let t = db.schema.createTable(name);
  for (const [col, spec] of Object.entries(columns)) {
    const notNull = spec.endsWith('!');
    const type = spec.replace('!', '') as ColType;
    t = t.addColumn(col, type, (c) => (notNull ? c.notNull() : c));
  }
  await t.addPrimaryKeyConstraint(`${name}_pk`, primaryKey as any).execute();
}

const scoped = (columns: Columns): Columns => ({ org_id: 'text!', id: 'text!', ...columns });

async function index(db: Kysely<any>, tableName: string, columns: string[], unique = false): Promise<void> {
  let i = db.schema.createIndex(`${tableName}_${columns.join('_').replace(/[^a-z_]/g, '')}_idx`).on(tableName).columns(columns);
  if (unique) i = i.unique();
  await i.execute();
}

/** The accounts tables and one table per entity of the public data contract. */
export async function up(db: Kysely<any>): Promise<void> {
  await table(db, 'orgs', { id: 'text!', name: 'text!', user_level_data: 'integer!', retention_days: 'integer', notify_email: 'text', created_at: 'bigint!' }, ['id']);
  await table(db, 'credentials', { email: 'text!', org_id: 'text!', user_id: 'text!', password_hash: 'text!', created_at: 'bigint!' }, ['email']);
  await index(db, 'credentials', ['org_id', 'user_id'], true);
  await table(db, 'sessions', { token_hash: 'text!', org_id: 'text!', user_id: 'text!', created_at: 'bigint!', expires_at: 'bigint!' }, ['token_hash']);
  await table(
    db,
    'api_keys',
    {
      id: 'text!', org_id: 'text!', user_id: 'text!', name: 'text!', prefix: 'text!', key_hash: 'text!', scopes: 'text!',
      created_at: 'bigint!', expires_at: 'bigint', last_used_at: 'bigint', revoked_at: 'bigint',
    },
    ['id'],
  );
  await index(db, 'api_keys', ['key_hash'], true);
  await index(db, 'api_keys', ['org_id', 'created_at']);
  await table(
    db,
    'audit_log',
    {
      id: 'text!', org_id: 'text!', actor_user_id: 'text', actor_key_id: 'text', action: 'text!', target_type: 'text!', target_id: 'text',
      ip: 'text', user_agent: 'text', details: 'text', created_at: 'bigint!',
    },
    ['id'],
  );
  await index(db, 'audit_log', ['org_id', 'created_at']);

  await table(db, 'workspaces', scoped({ name: 'text!', kind: 'text!', owner_user_id: 'text', created_at: 'bigint!' }), ['org_id', 'id']);
  await table(
    db,
    'users',
    scoped({
      email: 'text!', name: 'text', role: 'text!', plan: 'text', department: 'text', company_name: 'text', license_type: 'text',
      referral_code: 'text', referral_credits: 'double precision', workspace_ids: 'text', created_at: 'bigint!',
    }),
    ['org_id', 'id'],
  );
  await table(
    db,
    'workflows',
    scoped({ workspace_id: 'text!', name: 'text!', enabled: 'integer!', created_by: 'text!', pipeline: 'text', created_at: 'bigint!', updated_at: 'bigint' }),
    ['org_id', 'id'],
  );
  await table(
    db,
    'workflow_runs',
    scoped({
      workflow_id: 'text!', user_id: 'text!', status: 'text!', trigger: 'text', credit_cost: 'double precision!', created_at: 'bigint!', finished_at: 'bigint',
    }),
    ['org_id', 'id'],
  );
  await index(db, 'workflow_runs', ['org_id', 'created_at', 'id']);
  await index(db, 'workflow_runs', ['org_id', 'user_id', 'created_at']);
  await table(
    db,
    'agents',
    scoped({
      workspace_id: 'text!', name: 'text!', description: 'text', model: 'text!', tools: 'text!', system_prompt: 'text', metadata: 'text',
      status: 'text!', created_by: 'text!', created_at: 'bigint!', updated_at: 'bigint!',
    }),
    ['org_id', 'id'],
  );
  await table(
    db,
    'agent_interactions',
    scoped({
      agent_id: 'text!', user_id: 'text!', interaction_type: 'text!', name: 'text', trigger_type: 'text', credit_cost: 'double precision!',
      llm_credit_cost: 'double precision', tool_credit_cost: 'double precision', flow_credit_cost: 'double precision',
      message_count: 'integer!', created_at: 'bigint!',
    }),
    ['org_id', 'id'],
  );
  await index(db, 'agent_interactions', ['org_id', 'created_at', 'id']);
  await table(db, 'projects', scoped({ workspace_id: 'text', name: 'text!', owner_id: 'text!', created_at: 'bigint!' }), ['org_id', 'id']);
  await table(db, 'platform_api_keys', scoped({ name: 'text!', created_by: 'text', created_at: 'bigint!' }), ['org_id', 'id']);
  await table(
    db,
    'messages',
    scoped({
      user_id: 'text', source: 'text!', agent_id: 'text', project_id: 'text', api_key_id: 'text', model: 'text!', provider: 'text!',
      byok: 'integer', deployment: 'text', prompt_tokens: 'integer', completion_tokens: 'integer', cost_usd: 'double precision',
      conversation_id: 'text', created_at: 'bigint!',
    }),
    ['org_id', 'id'],
  );
  await index(db, 'messages', ['org_id', 'created_at']);
  await table(
    db,
    'credit_logs',
    scoped({
      user_id: 'text', workspace_id: 'text', category: 'text!', type: 'text', name: 'text', amount: 'double precision!',
      balance: 'double precision!', entity_id: 'text', correlation_id: 'text', created_at: 'bigint!',
    }),
    ['org_id', 'id'],
  );
  await index(db, 'credit_logs', ['org_id', 'created_at', 'id']);
  await table(
    db,
    'scheduled_tasks',
    scoped({ user_id: 'text!', name: 'text!', cron_schedule: 'text!', enabled: 'integer!', created_at: 'bigint!' }),
    ['org_id', 'id'],
  );
  await table(
    db,
    'llm_logs',
    scoped({
      project_id: 'text!', session_id: 'text', parent_id: 'text', source: 'text', environment: 'text', user: 'text',
      created_at: 'bigint!', updated_at: 'bigint', data: 'text!',
    }),
    ['org_id', 'id'],
  );
  await index(db, 'llm_logs', ['org_id', 'project_id', 'created_at', 'id']);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'llm_logs', 'scheduled_tasks', 'credit_logs', 'messages', 'platform_api_keys', 'projects', 'agent_interactions', 'agents',
    'workflow_runs', 'workflows', 'users', 'workspaces', 'audit_log', 'api_keys', 'sessions', 'credentials', 'orgs',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
