import type { CorpusCase } from './types.js';

/* Gumloop Usage Data Export (seed 000 and docs.gumloop.com/enterprise-features/organization_data_export). */

const SEED = 'seeds/000 (Gumloop Usage Data Export)';
const auth = { authorization: 'Bearer {{KEY}}', 'content-type': 'application/json' };
const ACCEPTED = { success: true, data_export_id: /.+/, state: 'REQUESTED', created_ts: /^\d{4}-\d{2}-\d{2}T/ };
const ERROR = { success: false, error: /.+/, message: /.+/ };

export const gumloopCorpus: readonly CorpusCase[] = [
  {
    name: 'the documented request body, verbatim ("user_id": "string" is not the key’s user)',
    source: SEED,
    method: 'POST',
    path: '/api/v1/export_data',
    headers: auth,
    body: `{
  "user_id": "string",
  "export_fields": [
    "workbook_id",
    "workbook_name", 
    "user_email",
    "run_id",
    "credit_cost",
    "pl_run_created_ts",
    "pl_run_finished_ts"
  ],
  "start_date": "2024-01-01T00:00:00",
  "end_date": "2024-12-31T23:59:59",
  "include_personal_workspaces": false,
  "workspace_ids": ["workspace_id_1", "workspace_id_2"],
  "entity_ids": ["workbook_id_1", "workbook_id_2"]
}`,
    expect: { status: 403, json: ERROR },
  },
  {
    name: 'the documented request with the caller’s user_id: accepted, and its CSV has the requested columns in order',
    source: SEED,
    method: 'POST',
    path: '/api/v1/export_data',
    headers: auth,
    body: {
      user_id: '{{USER}}',
      export_fields: ['workbook_id', 'workbook_name', 'user_email', 'run_id', 'credit_cost', 'pl_run_created_ts', 'pl_run_finished_ts'],
      start_date: '2024-01-01T00:00:00',
      end_date: '2024-12-31T23:59:59',
      include_personal_workspaces: false,
      workspace_ids: ['workspace_id_1', 'workspace_id_2'],
      entity_ids: ['workbook_id_1', 'workbook_id_2'],
    },
    expect: { status: 200, keys: ['success', 'data_export_id', 'state', 'created_ts'], json: ACCEPTED },
    file: { via: 'gumloop', columns: ['workbook_id', 'workbook_name', 'user_email', 'run_id', 'credit_cost', 'pl_run_created_ts', 'pl_run_finished_ts'] },
  },
  {
    name: 'data_type agents (optional parameter)',
    source: SEED,
    method: 'POST',
    path: '/api/v1/export_data',
    headers: auth,
    body: { user_id: '{{USER}}', data_type: 'agents', workspace_ids: ['workspace_id_1'], export_fields: ['agent_id', 'agent_name', 'agent_model', 'agent_system_prompt'] },
    expect: { status: 200, json: ACCEPTED },
    file: { via: 'gumloop', columns: ['agent_id', 'agent_name', 'agent_model', 'agent_system_prompt'] },
  },
  {
    name: 'credit logs: always org-wide, category_filter PIPELINE_RUN',
    source: SEED,
    method: 'POST',
    path: '/api/v1/export_data',
    headers: auth,
    body: { user_id: '{{USER}}', data_type: 'credit_logs', category_filter: 'PIPELINE_RUN', start_date: '2024-01-01T00:00:00', end_date: '2024-12-31T23:59:59' },
    expect: { status: 200, json: ACCEPTED },
    file: { via: 'gumloop', columns: ['user_email', 'timestamp', 'category', 'type', 'name', 'amount', 'balance', 'log_id'] },
  },
  {
    name: 'credit logs with the off-by-default columns scripts ask for',
    source: 'docs.gumloop.com (credit log export fields)',
    method: 'POST',
    path: '/api/v1/export_data',
    headers: auth,
    body: {
      user_id: '{{USER}}',
      data_type: 'credit_logs',
      category_filter: 'agent_run',
      export_fields: ['log_id', 'permission_group_id', 'permission_group_name', 'project_id', 'balance_scope', 'correlation_id'],
    },
    expect: { status: 200, json: ACCEPTED },
    file: { via: 'gumloop', columns: ['log_id', 'permission_group_id', 'permission_group_name', 'project_id', 'balance_scope', 'correlation_id'] },
  },
  {
    name: 'agent interactions with Gumloop’s column names',
    source: 'docs.gumloop.com (Agent Interactions data type)',
    method: 'POST',
    path: '/api/v1/export_data',
    headers: auth,
    body: { user_id: '{{USER}}', data_type: 'agent_interactions', include_all_workspaces: true, export_fields: ['interaction_id', 'interaction_name', 'interaction_created_ts', 'credit_cost', 'message_count'] },
    expect: { status: 200, json: ACCEPTED },
    file: { via: 'gumloop', columns: ['interaction_id', 'interaction_name', 'interaction_created_ts', 'credit_cost', 'message_count'] },
  },
  {
    name: 'an unknown category is refused, listing the valid ones',
    source: SEED,
    method: 'POST',
    path: '/api/v1/export_data',
    headers: auth,
    body: { user_id: '{{USER}}', data_type: 'credit_logs', category_filter: 'NOT_A_CATEGORY' },
    expect: { status: 400, json: { success: false, message: /valid categories: .*AGENT_RUN/ } },
  },
  {
    name: 'export_status of an unknown export',
    source: SEED,
    method: 'GET',
    path: '/api/v1/export_status?user_id={{USER}}&data_export_id=exp_unknown',
    headers: { authorization: 'Bearer {{KEY}}' },
    expect: { status: 404, json: ERROR },
  },
  {
    name: 'export_status without a key',
    source: SEED,
    method: 'GET',
    path: '/api/v1/export_status?user_id={{USER}}&data_export_id=exp_unknown',
    expect: { status: 401, json: ERROR },
  },
];
