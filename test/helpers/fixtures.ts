import { afterAll, beforeAll } from 'vitest';
import type { Dataset, DatasetQuery, Row } from '../../src/datasets/types.js';
import { createTestStore, type DialectName, type TestStore } from './stores.js';
import type { Store } from '../../src/db/database.js';
import type { EntityName } from '../../src/ingest/entities.js';
import { ingestBatch } from '../../src/ingest/ingest.js';

/*
 * A small, deterministic platform shared by the dataset suites: two orgs that reuse the SAME ids (so any
 * leak between orgs shows up as a wrong value or count), teams and personal workspaces, references that
 * point to things never sent (a run of an unknown workflow, an agent in an unknown workspace), messages
 * across models/sources/keys, and timestamps placed on both sides of the 2025 DST changes:
 *   America/New_York 2025-03-09 is 23 hours: [2025-03-09T05:00Z, 2025-03-10T04:00Z)
 *   Europe/Berlin    2025-03-30 is 23 hours: [2025-03-29T23:00Z, 2025-03-30T22:00Z)
 * Emails are the only values containing '@', so "no @ anywhere" proves the privacy rule.
 */

export const ORG_A = 'org_a';
export const ORG_B = 'org_b';

type Rows = Record<string, unknown>[];
/** Rows to ingest, by entity: one org's platform. */
export type Fixture = Partial<Record<EntityName, Rows>>;
/** Ingests one entity's rows somewhere (the store directly, the ingest API in-process or over HTTP). */
export type Send = (entity: EntityName, rows: Rows) => Promise<void>;

/** Epoch ms of an ISO instant. */
export const ms = (iso: string): number => Date.parse(iso);

/** A completed workflow run; `extra` overrides or adds fields (status, trigger, finished_at). */
export const run = (id: string, workflow_id: string, user_id: string, created_at: string, credit_cost: number, extra: Record<string, unknown> = {}) => ({
  id, workflow_id, user_id, status: 'completed', credit_cost, created_at, ...extra,
});

/** A message (user_id left out when undefined); `extra` adds tokens, cost, agent/project/key. */
export const msg = (id: string, user_id: string | undefined, source: string, model: string, provider: string, created_at: string, extra: Record<string, unknown> = {}) => ({
  id, ...(user_id ? { user_id } : {}), source, model, provider, created_at, ...extra,
});

/** An active agent with no tools, created and last changed at `at`; `extra` adds or overrides fields. */
export const agent = (id: string, workspace_id: string, name: string, model: string, created_by: string, at: string, extra: Record<string, unknown> = {}) => ({
  id, workspace_id, name, model, tools: [], status: 'active', created_by, created_at: at, updated_at: at, ...extra,
});

/** A chat interaction with an agent; `extra` adds the cost split, a name or another type. */
export const interaction = (id: string, agent_id: string, user_id: string, created_at: string, credit_cost: number, message_count: number, extra: Record<string, unknown> = {}) => ({
  id, agent_id, user_id, interaction_type: 'chat', credit_cost, message_count, created_at, ...extra,
});

/**
 * Ingests a fixture through `send`, children before their parents on purpose: references may arrive
 * before what they point to.
 * @example await sendFixture(FIXTURE_A, (entity, rows) => ingestBatch(store, ORG_A, entity, rows));
 */
export async function sendFixture(fixture: Fixture, send: Send): Promise<void> {
  const order: EntityName[] = [
    'workflow_runs', 'agent_interactions', 'messages', 'credit_logs', 'llm_logs', 'scheduled_tasks',
    'workflows', 'agents', 'projects', 'platform_api_keys', 'users', 'workspaces',
  ];
  for (const entity of order) {
    const rows = fixture[entity];
    if (rows?.length) await send(entity, rows);
  }
}

export const FIXTURE_A: Fixture = {
  workspaces: [
    { id: 'ws_growth', name: 'Growth', kind: 'team', created_at: '2024-12-01T00:00:00Z' },
    { id: 'ws_ops', name: 'Ops', kind: 'team', created_at: '2024-12-02T00:00:00Z' },
    { id: 'ws_p_alice', name: 'Personal space A', kind: 'personal', owner_user_id: 'u_alice', created_at: '2024-12-03T00:00:00Z' },
    { id: 'ws_p_bob', name: 'Personal space B', kind: 'personal', owner_user_id: 'u_bob', created_at: '2024-12-04T00:00:00Z' },
  ],
  users: [
    {
      id: 'u_alice', email: 'alice@a.example', name: 'Alice Able', role: 'owner', plan: 'solo', department: 'Research', company_name: 'Acme',
      license_type: 'enterprise', referral_code: 'REF-ALICE', referral_credits: 5, workspace_ids: ['ws_growth', 'ws_p_alice'], created_at: '2024-11-01T09:00:00Z',
      payg_limit: 0.5, permission_group_id: 'pg_admins', permission_group_name: 'Admins',
    },
    { id: 'u_bob', email: 'bob@a.example', name: 'Bob Baker', role: 'admin', department: 'Ops', created_at: '2024-11-02T22:30:00-05:00' },
    { id: 'u_carol', email: 'carol@a.example', name: 'Carol Cole', role: 'member', created_at: '2024-11-03T09:00:00Z' },
    { id: 'u_dave', email: 'dave@a.example', role: 'member', created_at: '2024-11-04T09:00:00Z' },
  ],
  workflows: [
    {
      id: 'wf_1', workspace_id: 'ws_growth', name: 'Lead enrichment', enabled: true, created_by: 'u_alice',
      pipeline: { nodes: [{ id: 'n1', type: 'input' }, { id: 'n2', type: 'llm' }] }, created_at: '2025-01-05T10:00:00Z', updated_at: '2025-02-01T10:00:00Z',
    },
    { id: 'wf_2', workspace_id: 'ws_ops', name: 'Invoice triage', enabled: true, created_by: 'u_bob', pipeline: { nodes: [{ id: 'n1', type: 'email' }] }, created_at: '2025-01-06T10:00:00Z' },
    { id: 'wf_3', workspace_id: 'ws_p_alice', name: 'Alice scratch', enabled: false, created_by: 'u_alice', created_at: '2025-01-07T10:00:00Z' },
    { id: 'wf_4', workspace_id: 'ws_p_bob', name: 'Bob digest', enabled: true, created_by: 'u_bob', created_at: '2025-01-08T10:00:00Z' },
  ],
  workflow_runs: [
    run('run_01', 'wf_1', 'u_alice', '2025-02-03T10:00:00Z', 2.5, { trigger: 'manual', finished_at: '2025-02-03T10:01:00Z' }),
    run('run_02', 'wf_1', 'u_bob', '2025-02-03T11:00:00Z', 1, { status: 'failed', trigger: 'api', finished_at: '2025-02-03T11:00:30Z' }),
    run('run_03', 'wf_2', 'u_bob', '2025-02-10T08:00:00Z', 4, { trigger: 'schedule', finished_at: '2025-02-10T08:05:00Z' }),
    run('run_04', 'wf_3', 'u_alice', '2025-02-11T12:00:00Z', 0.5),
    run('run_05', 'wf_4', 'u_bob', '2025-02-12T12:00:00Z', 3, { status: 'running' }),
    run('run_06', 'wf_missing', 'u_carol', '2025-02-13T00:00:00Z', 1.5),
    run('run_07', 'wf_2', 'u_carol', '2025-02-03T10:00:00Z', 0.25, { status: 'cancelled' }),
    run('run_08', 'wf_1', 'u_alice', '2025-03-09T04:30:00Z', 1),
    run('run_09', 'wf_1', 'u_alice', '2025-03-10T03:30:00Z', 1),
    run('run_10', 'wf_1', 'u_alice', '2025-03-10T04:30:00Z', 1),
    run('run_11', 'wf_1', 'u_alice', '2025-03-09T05:00:00Z', 1),
    run('run_12', 'wf_2', 'u_bob', '2025-03-29T22:30:00Z', 1),
    run('run_13', 'wf_2', 'u_bob', '2025-03-30T21:30:00Z', 1),
    run('run_14', 'wf_2', 'u_bob', '2025-03-30T22:30:00Z', 1),
  ],
  agents: [
    {
      id: 'ag_1', workspace_id: 'ws_growth', name: 'Research helper', description: 'Finds papers', model: 'gpt-4o', tools: ['web_search', 'pdf_reader'],
      system_prompt: 'You are a careful researcher.', metadata: { tier: 'gold' }, status: 'active', created_by: 'u_alice',
      created_at: '2025-01-10T09:00:00Z', updated_at: '2025-02-01T09:00:00Z',
    },
    agent('ag_2', 'ws_ops', 'Ops bot', 'claude-3-5-sonnet', 'u_bob', '2025-01-11T09:00:00Z', { status: 'running' }),
    { id: 'ag_3', workspace_id: 'ws_p_bob', name: 'Bob private', model: 'gpt-4o-mini', tools: ['calendar'], status: 'stopped', created_by: 'u_bob', created_at: '2025-01-12T09:00:00Z', updated_at: '2025-01-12T09:00:00Z' },
    agent('ag_4', 'ws_unknown', 'Orphan agent', 'gpt-4o', 'u_ghost', '2025-01-13T09:00:00Z'),
  ],
  agent_interactions: [
    { id: 'ix_1', agent_id: 'ag_1', user_id: 'u_alice', interaction_type: 'chat', name: 'Paper search', credit_cost: 2, llm_credit_cost: 1.5, tool_credit_cost: 0.5, message_count: 4, created_at: '2025-02-04T10:00:00Z' },
    { id: 'ix_2', agent_id: 'ag_1', user_id: 'u_carol', interaction_type: 'slack', credit_cost: 1, message_count: 2, created_at: '2025-02-05T10:00:00Z' },
    { id: 'ix_3', agent_id: 'ag_2', user_id: 'u_bob', interaction_type: 'api', credit_cost: 0.75, message_count: 1, created_at: '2025-02-06T10:00:00Z' },
    { id: 'ix_4', agent_id: 'ag_3', user_id: 'u_bob', interaction_type: 'triggered', trigger_type: 'schedule', credit_cost: 0.5, flow_credit_cost: 0.5, message_count: 1, created_at: '2025-02-07T10:00:00Z' },
    interaction('ix_5', 'ag_missing', 'u_alice', '2025-02-08T10:00:00Z', 1, 3),
  ],
  credit_logs: [
    { id: 'cl_1', user_id: 'u_alice', workspace_id: 'ws_growth', category: 'PIPELINE_RUN', type: 'debit', name: 'Lead enrichment', amount: -2.5, balance: 997.5, entity_id: 'run_01', correlation_id: 'c_1', created_at: '2025-02-03T10:01:00Z' },
    { id: 'cl_2', user_id: 'u_bob', workspace_id: 'ws_ops', category: 'PIPELINE_RUN', type: 'debit', name: 'Invoice triage', amount: -4, balance: 993.5, entity_id: 'run_03', created_at: '2025-02-10T08:01:00Z' },
    { id: 'cl_3', user_id: 'u_alice', category: 'AGENT_RUN', name: 'Research helper', amount: -2, balance: 991.5, entity_id: 'ix_1', created_at: '2025-02-04T10:01:00Z' },
    { id: 'cl_4', category: 'PURCHASE', type: 'topup', name: 'Monthly top-up', amount: 500, balance: 1491.5, created_at: '2025-02-15T00:00:00Z' },
    { id: 'cl_5', user_id: 'u_carol', category: 'AGENT_RUN', amount: -1, balance: 1490.5, created_at: '2025-02-05T00:00:00Z' },
  ],
  projects: [
    { id: 'pr_1', workspace_id: 'ws_growth', name: 'Market research', owner_id: 'u_alice', created_at: '2025-01-02T00:00:00Z' },
    { id: 'pr_2', name: 'Hiring', owner_id: 'u_carol', created_at: '2025-01-03T00:00:00Z' },
    { id: 'pr_3', name: 'Empty project', owner_id: 'u_bob', created_at: '2025-01-04T00:00:00Z' },
  ],
  platform_api_keys: [
    { id: 'key_1', name: 'CI key', created_by: 'u_bob', created_at: '2025-01-02T00:00:00Z' },
    { id: 'key_2', name: 'Zapier', created_at: '2025-01-03T00:00:00Z' },
    { id: 'key_3', name: 'Unused', created_at: '2025-01-04T00:00:00Z' },
  ],
  messages: [
    msg('m01', 'u_alice', 'chat', 'gpt-4o', 'openai', '2025-02-02T10:00:00Z', { byok: false, prompt_tokens: 100, completion_tokens: 50, cost_usd: 0.5, conversation_id: 'c_a1' }),
    msg('m02', 'u_alice', 'chat', 'gpt-4o', 'openai', '2025-02-02T10:05:00Z', { prompt_tokens: 200, completion_tokens: 100, cost_usd: 1, conversation_id: 'c_a1' }),
    msg('m03', 'u_alice', 'agent', 'gpt-4o', 'openai', '2025-02-03T10:00:00Z', { agent_id: 'ag_1', byok: false, prompt_tokens: 300, completion_tokens: 150, cost_usd: 1.5, conversation_id: 'c_a2' }),
    msg('m04', 'u_alice', 'project', 'claude-3-5-sonnet', 'anthropic', '2025-02-04T10:00:00Z', { project_id: 'pr_1', byok: true, prompt_tokens: 400, completion_tokens: 200, cost_usd: 2, conversation_id: 'c_a3' }),
    msg('m05', 'u_bob', 'agent', 'claude-3-5-sonnet', 'anthropic', '2025-02-05T10:00:00Z', { agent_id: 'ag_1', byok: true, prompt_tokens: 100, completion_tokens: 100, cost_usd: 0.25, conversation_id: 'c_b1' }),
    msg('m06', 'u_bob', 'agent', 'claude-3-5-sonnet', 'anthropic', '2025-02-06T10:00:00Z', { agent_id: 'ag_2', byok: true, prompt_tokens: 50, completion_tokens: 50, cost_usd: 0.125, conversation_id: 'c_b2' }),
    msg('m07', 'u_bob', 'api', 'gpt-4o', 'openai', '2025-02-07T10:00:00Z', { api_key_id: 'key_1', byok: false, prompt_tokens: 10, completion_tokens: 10, cost_usd: 0.0625 }),
    msg('m08', 'u_carol', 'project', 'gpt-4o', 'openai', '2025-02-08T10:00:00Z', { project_id: 'pr_2', conversation_id: 'c_c1' }),
    msg('m09', 'u_carol', 'project', 'gpt-4o', 'openai', '2025-02-09T10:00:00Z', { project_id: 'pr_1', prompt_tokens: 20, completion_tokens: 20, cost_usd: 0.25, conversation_id: 'c_c2' }),
    msg('m10', undefined, 'api', 'gpt-4o-mini', 'openai', '2025-02-10T10:00:00Z', { api_key_id: 'key_2', prompt_tokens: 5, completion_tokens: 5, cost_usd: 0.03125 }),
    msg('m11', 'u_carol', 'chat', 'gpt-4o-mini', 'openai', '2025-02-11T10:00:00Z', { prompt_tokens: 8, completion_tokens: 8, cost_usd: 0.125, conversation_id: 'c_c3' }),
    msg('m12', 'u_dave', 'chat', 'gpt-4o', 'openai', '2025-01-15T10:00:00Z', { prompt_tokens: 1, completion_tokens: 1, cost_usd: 0.5, conversation_id: 'c_d1' }),
    msg('m13', 'u_bob', 'api', 'claude-3-5-sonnet', 'anthropic', '2025-02-12T10:00:00Z', { api_key_id: 'key_1', byok: true, prompt_tokens: 30, completion_tokens: 30, cost_usd: 0.5 }),
    msg('m14', 'u_alice', 'agent', 'gpt-4o', 'openai', '2025-02-13T10:00:00Z', { agent_id: 'ag_missing', prompt_tokens: 10, completion_tokens: 10, cost_usd: 0.25, conversation_id: 'c_a4' }),
  ],
  llm_logs: [
    {
      id: 'log_1', project_id: 'pr_1', session_id: 'sess_1', source: 'sdk', environment: 'production', user: 'end-user-1', created_at: '2025-02-01T10:00:00Z',
      updated_at: '2025-02-01T10:00:05Z', config: { type: 'model', id: 'cfg_1', model: 'gpt-4o' }, inputs: { topic: 'tides' },
      messages: [{ role: 'user', content: 'Explain tides' }], output: 'Tides are caused by the moon.', output_message: { role: 'assistant', content: 'Tides are caused by the moon.' },
      prompt_tokens: 12, output_tokens: 30, prompt_cost: 0.25, output_cost: 0.5, provider_latency: 0.75, duration: 1.25, tokens: 42, finish_reason: 'stop',
      feedback: [{ type: 'rating', id: 'fb_1', value: 'good' }], evaluation_results: [], metadata: { team: 'growth' }, reference_id: 'ref-1',
      observability_status: 'completed', batch_ids: ['b_1'], tool_choice: 'none', tools: [], judgment: true, save: true,
    },
    { id: 'log_2', project_id: 'pr_1', parent_id: 'log_1', session_id: 'sess_1', created_at: '2025-02-02T10:00:00Z', error: 'rate limited', output: '', finish_reason: 'length', prompt_tokens: 5 },
    { id: 'log_3', project_id: 'pr_2', created_at: '2025-02-02T10:00:00Z', output: 'Candidate summary', tool_choice: { type: 'function', name: 'lookup' } },
    { id: 'log_4', project_id: 'pr_missing', created_at: '2025-02-03T10:00:00Z', output: 'orphan' },
  ],
  scheduled_tasks: [
    { id: 'task_1', user_id: 'u_alice', name: 'daily-report', cron_schedule: '0 9 * * *', enabled: true, created_at: '2025-01-20T00:00:00Z' },
    { id: 'task_2', user_id: 'u_alice', name: 'weekly-digest', cron_schedule: '0 8 * * 1', enabled: false, created_at: '2025-01-21T00:00:00Z' },
    { id: 'task_3', user_id: 'u_bob', name: 'bob-task', cron_schedule: '*/5 * * * *', enabled: true, created_at: '2025-01-22T00:00:00Z' },
  ],
};

/** Org B reuses org A's ids with other values, plus a few rows of its own. */
export const FIXTURE_B: Fixture = {
  workspaces: [{ id: 'ws_growth', name: 'B Growth', kind: 'team', created_at: '2024-12-01T00:00:00Z' }],
  users: [{ id: 'u_alice', email: 'alice@b.example', name: 'Alice B', role: 'member', created_at: '2024-10-01T00:00:00Z' }],
  workflows: [{ id: 'wf_1', workspace_id: 'ws_growth', name: 'B workflow', enabled: true, created_by: 'u_alice', created_at: '2025-01-05T10:00:00Z' }],
  workflow_runs: [run('run_01', 'wf_1', 'u_alice', '2025-02-03T10:00:00Z', 99), run('run_99', 'wf_1', 'u_alice', '2025-02-20T10:00:00Z', 9)],
  agents: [{ id: 'ag_1', workspace_id: 'ws_growth', name: 'B agent', model: 'b-model', tools: [], status: 'active', created_by: 'u_alice', created_at: '2025-01-10T09:00:00Z', updated_at: '2025-01-10T09:00:00Z' }],
  agent_interactions: [{ id: 'ix_1', agent_id: 'ag_1', user_id: 'u_alice', interaction_type: 'chat', credit_cost: 9, message_count: 9, created_at: '2025-02-04T10:00:00Z' }],
  credit_logs: [{ id: 'cl_1', user_id: 'u_alice', category: 'PIPELINE_RUN', amount: -99, balance: 1, created_at: '2025-02-03T10:01:00Z' }],
  projects: [{ id: 'pr_1', name: 'B project', owner_id: 'u_alice', created_at: '2025-01-02T00:00:00Z' }],
  platform_api_keys: [{ id: 'key_1', name: 'B key', created_at: '2025-01-02T00:00:00Z' }],
  messages: [
    msg('m01', 'u_alice', 'chat', 'gpt-4o', 'openai', '2025-02-02T10:00:00Z', { api_key_id: 'key_1', project_id: 'pr_1' }),
    msg('m99', 'u_alice', 'agent', 'b-model', 'b-provider', '2025-02-02T11:00:00Z', { agent_id: 'ag_1' }),
  ],
  llm_logs: [{ id: 'log_1', project_id: 'pr_1', created_at: '2025-02-01T10:00:00Z', output: 'B output' }],
  scheduled_tasks: [{ id: 'task_1', user_id: 'u_alice', name: 'B task', cron_schedule: '0 0 * * *', enabled: true, created_at: '2025-01-20T00:00:00Z' }],
};

export const FIXTURES: Record<string, Fixture> = { [ORG_A]: FIXTURE_A, [ORG_B]: FIXTURE_B };

/** Ingests both orgs through the public ingest path (children first: see sendFixture). */
export async function ingestFixture(store: Store): Promise<void> {
  for (const [orgId, fixture] of Object.entries(FIXTURES)) await sendFixture(fixture, (entity, rows) => ingestBatch(store, orgId, entity, rows).then(() => undefined));
}

/** The rows of one entity of one org, with a typed accessor for tests' reference computations. */
export function rowsOf(orgId: string, entity: EntityName): Record<string, any>[] {
  return (FIXTURES[orgId][entity] ?? []) as Record<string, any>[];
}

/** A query over everything org A has, as an admin (u_alice) in UTC with user-level data on; override any part. */
export function query(overrides: Partial<DatasetQuery> = {}): DatasetQuery {
  return {
    orgId: ORG_A,
    scope: 'organization',
    userId: 'u_alice',
    from: 0,
    to: ms('2100-01-01T00:00:00Z'),
    timezone: 'UTC',
    userLevelData: true,
    pseudonymKey: 'test-pseudonym-key',
    ...overrides,
  };
}

/** Every row a dataset yields for a query, after checking that count() and batches() agree with rows(). */
export async function collect(store: Store, dataset: Dataset, q: DatasetQuery): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of dataset.rows(store, q)) rows.push({ ...row });
  const counted = await dataset.count(store, q);
  if (counted !== rows.length) throw new Error(`${dataset.name}: count() said ${counted}, rows() yielded ${rows.length}`);
  const batched: Row[] = [];
  for await (const batch of dataset.batches(store, q)) batched.push(...batch);
  // exportedAt (account) is the time of reading; everything else must match exactly.
  const same = (r: Row[]) => JSON.stringify(r.map((x) => ({ ...x, exportedAt: undefined })));
  if (same(batched) !== same(rows)) throw new Error(`${dataset.name}: batches() and rows() disagree`);
  return rows;
}

/**
 * Gives the surrounding describe block a fresh store of `dialect` with the fixture ingested (closed after).
 * @example let store: TestStore; useFixtureStore(dialect, (s) => (store = s));
 */
export function useFixtureStore(dialect: DialectName, set: (store: TestStore) => void): void {
  let store: TestStore | undefined;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    await ingestFixture(store);
    set(store);
  });
  afterAll(async () => {
    await store?.close();
  });
}
