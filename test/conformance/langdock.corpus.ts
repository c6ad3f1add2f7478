import type { CorpusCase } from './types.js';

/* Langdock Usage Export API (seed 001 and docs.langdock.com/en/developer/usage-export-api/*). */

const SEED = 'seeds/001 (Langdock Export project usage data)';
const DOCS = 'docs.langdock.com usage-export-api';
const auth = { authorization: 'Bearer {{KEY}}', 'content-type': 'application/json' };
const period = { from: { date: '{{FROM}}', timezone: 'UTC' }, to: { date: '{{TO}}', timezone: 'UTC' } };
const ENVELOPE = {
  success: true,
  data: { filePath: /\.csv$/, downloadUrl: /^http:\/\/127\.0\.0\.1:\d+\//, dataType: /.+/, recordCount: /^\d+$/, dateRange: { from: /Z$/, to: /Z$/ } },
};
const ERROR_KEYS = ['error', 'message'];

export const langdockCorpus: readonly CorpusCase[] = [
  {
    name: 'the seed’s example body, verbatim: January 2024 is older than the 12 months Langdock keeps',
    source: SEED,
    method: 'POST',
    path: '/export/projects',
    headers: auth,
    body: `
{
  "from": {
    "date": "2024-01-01T00:00:00.000Z",
    "timezone": "UTC"
  },
  "to": {
    "date": "2024-01-31T23:59:59.999Z",
    "timezone": "UTC"
  }
}
`,
    expect: { status: 400, keys: ERROR_KEYS, json: { error: 'Bad Request', message: /12 months/ } },
  },
  {
    name: 'projects: one row per project, exactly the documented columns',
    source: SEED,
    method: 'POST',
    path: '/export/projects',
    headers: auth,
    body: period,
    expect: { status: 200, json: { ...ENVELOPE, data: { ...ENVELOPE.data, dataType: 'projects' } } },
    file: { via: 'langdock', columns: ['period_start', 'period_end', 'org_id', 'project_id', 'project_name', 'project_owner_id', 'project_owner_email', 'messages'] },
  },
  {
    name: 'users: the documented columns, payg ones included',
    source: `${DOCS}/export-users`,
    method: 'POST',
    path: '/export/users',
    headers: auth,
    body: period,
    expect: { status: 200, json: { success: true, data: { dataType: 'users' } } },
    file: {
      via: 'langdock',
      columns: [
        'period_start', 'period_end', 'org_id', 'user_id', 'name', 'email', 'role', 'joined_at', 'department', 'company_name', 'license_type',
        'payg_limit_current', 'payg_consumption_in_period', 'payg_utilization_pct_current', 'messages_total', 'messages_total_rank', 'messages_chat',
        'messages_chat_rank', 'messages_assistants', 'messages_assistants_rank', 'assistants_messaged', 'assistants_to_messages', 'messages_projects',
        'messages_projects_rank', 'projects_messaged', 'projects_to_messages', 'model_to_messages_total',
      ],
    },
  },
  {
    name: 'users grouped by model (the users page’s curl example body)',
    source: `${DOCS}/export-users`,
    method: 'POST',
    path: '/export/users',
    headers: auth,
    body: { ...period, group_by: 'model' },
    expect: { status: 200, json: { success: true, data: { dataType: 'users' } } },
  },
  {
    name: 'assistants: dataType assistants, with assistant_url',
    source: `${DOCS}/export-agents`,
    method: 'POST',
    path: '/export/assistants',
    headers: auth,
    body: period,
    expect: { status: 200, json: { success: true, data: { dataType: 'assistants' } } },
  },
  {
    name: 'models: one row per model, provider and BYOK state, with the BYOK token columns',
    source: `${DOCS}/export-models`,
    method: 'POST',
    path: '/export/models',
    headers: auth,
    body: period,
    expect: { status: 200, json: { success: true, data: { dataType: 'models' } } },
    file: {
      via: 'langdock',
      columns: [
        'period_start', 'period_end', 'org_id', 'name', 'provider', 'bring_your_keys', 'requests', 'sum_prompt_tokens', 'sum_completion_tokens',
        'sum_cached_prompt_tokens', 'sum_cache_creation_tokens', 'no_cache_tokens', 'total_cost_usd',
      ],
    },
  },
  {
    name: 'models grouped by deployment (BYOK workspaces)',
    source: `${DOCS}/export-models`,
    method: 'POST',
    path: '/export/models',
    headers: auth,
    body: { ...period, group_by: 'deployment' },
    expect: { status: 200, json: { success: true, data: { dataType: 'models' } } },
  },
  {
    name: 'group_by is not supported for project exports',
    source: SEED,
    method: 'POST',
    path: '/export/projects',
    headers: auth,
    body: { ...period, group_by: 'model' },
    expect: { status: 400, keys: ERROR_KEYS, json: { error: 'Bad Request' } },
  },
  {
    name: 'a dedicated deployment’s /api/public prefix',
    source: SEED,
    method: 'POST',
    path: '/api/public/export/projects',
    headers: auth,
    body: period,
    expect: { status: 200, json: { success: true, data: { dataType: 'projects' } } },
  },
  {
    name: 'browser-origin requests are blocked',
    source: SEED,
    method: 'POST',
    path: '/export/projects',
    headers: { ...auth, origin: 'https://app.example' },
    body: period,
    expect: { status: 403, keys: ERROR_KEYS },
  },
  {
    name: 'no key',
    source: SEED,
    method: 'POST',
    path: '/export/projects',
    headers: { 'content-type': 'application/json' },
    body: period,
    expect: { status: 401, keys: ERROR_KEYS, json: { error: 'Unauthorized' } },
  },
];
