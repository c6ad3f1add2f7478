/*
 * Valid bodies for the operations whose validity the OpenAPI schema cannot express (which filters a
 * dataset takes, which user a key is): the fuzzer mutates one property of these, so a request with a
 * single defect gets past every other check and reaches the query it could break.
 */

const recent = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
const EXPORTS = [
  { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31' },
  { dataset: 'workflow_runs', workspace_ids: ['ws_team1'], entity_ids: ['wf_1'], include_personal_workspaces: true },
  { dataset: 'agent_interactions', entity_ids: ['ag_1'], format: 'jsonl' },
  { dataset: 'credit_logs', category: 'PURCHASE', format: 'json', compression: 'gzip' },
  { dataset: 'users_usage', group_by: 'model', timezone: 'Europe/Berlin', from: '2025-03-01', to: '2025-03-31' },
  { dataset: 'llm_logs', fields: ['id', 'created_at'] },
];
const LANGDOCK = [
  { from: { date: recent(60), timezone: 'UTC' }, to: { date: recent(1), timezone: 'Europe/Berlin' } },
  { from: { date: `${recent(30)}T00:00:00.000Z`, timezone: 'America/New_York' }, to: { date: `${recent(2)}T23:59:59.999Z`, timezone: 'UTC' }, group_by: 'model' },
];

/** Valid bodies by operation (`METHOD /path`). */
export const EXAMPLES: Record<string, readonly unknown[]> = {
  'POST /v1/exports': EXPORTS,
  'POST /v1/exports/estimate': EXPORTS,
  'POST /v1/auth/login': [{ email: 'admin@org-a.example', password: 'not-the-password' }],
  'POST /v1/api-keys': [{ name: 'ci', scopes: ['export'] }, { name: 'ingest', scopes: ['ingest', 'export'], expires_at: '2030-01-01T00:00:00Z' }],
  'PATCH /v1/org': [{ retention_days: 30 }, { user_level_data: true, notify_email: 'ops@example.com' }],
  'POST /api/v1/export_data': [
    { user_id: 'u_admin', workspace_ids: ['ws_team1'], start_date: '2025-03-01T00:00:00', end_date: '2025-03-31T23:59:59' },
    { user_id: 'u_admin', data_type: 'credit_logs', category_filter: 'PURCHASE' },
    { user_id: 'u_admin', include_all_workspaces: true, entity_ids: ['wf_1'], export_fields: ['run_id', 'credit_cost'] },
  ],
  ...Object.fromEntries(
    ['users', 'assistants', 'agents', 'api-keys', 'projects', 'models'].flatMap((kind) => ['', '/csv', '/json'].map((suffix) => [`POST /export/${kind}${suffix}`, LANGDOCK])),
  ),
};
