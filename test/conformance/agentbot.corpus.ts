import type { CorpusCase } from './types.js';

/* Agentbot Export API (seed 002): the caller's own account data as a JSON attachment, session only. */

const SEED = 'seeds/002 (Agentbot Export API)';

export const agentbotCorpus: readonly CorpusCase[] = [
  {
    name: 'the documented request: a session gets its account data as a never-cached JSON attachment',
    source: SEED,
    method: 'GET',
    path: '/api/export',
    headers: { cookie: '{{SESSION}}' },
    expect: {
      status: 200,
      headers: {
        'content-type': /^application\/json/,
        'content-disposition': /^attachment; filename="sluice-export-u_admin-\d{4}-\d{2}-\d{2}\.json"$/,
        'cache-control': 'no-store',
      },
      keys: ['exportedAt', 'version', 'user', 'agents', 'scheduledTasks', 'workflows'],
      json: {
        exportedAt: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
        version: '1.0',
        user: { id: 'u_admin', email: 'admin@org-a.example', role: 'admin', referralCredits: 0 },
        agents: [{ id: 'ag_1', name: 'Researcher', model: 'gpt-4o', status: 'active', createdAt: '2024-02-01T00:00:00.000Z', updatedAt: '2024-02-01T00:00:00.000Z' }],
        scheduledTasks: [{ id: 'task_1', name: 'daily-report', cronSchedule: '0 9 * * *', enabled: true, createdAt: '2024-03-15T00:00:00.000Z' }],
      },
    },
  },
  {
    name: 'the user object has exactly the documented keys',
    source: SEED,
    method: 'GET',
    path: '/api/export',
    headers: { cookie: '{{SESSION}}' },
    expect: { status: 200, json: { user: { plan: null, referralCode: null } } },
  },
  {
    name: 'no session: 401 Unauthorized with error and message, never cached',
    source: SEED,
    method: 'GET',
    path: '/api/export',
    expect: { status: 401, headers: { 'cache-control': 'no-store' }, keys: ['error', 'message'], json: { error: 'Unauthorized' } },
  },
  {
    name: 'an API key is not a session: 401',
    source: SEED,
    method: 'GET',
    path: '/api/export',
    headers: { authorization: 'Bearer {{KEY}}' },
    expect: { status: 401, keys: ['error', 'message'], json: { error: 'Unauthorized' } },
  },
];
