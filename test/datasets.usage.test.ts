import { describe, expect, it } from 'vitest';
import { agentsUsage } from '../src/datasets/agents-usage.js';
import { apiKeysUsage } from '../src/datasets/api-keys-usage.js';
import { resolveFields } from '../src/datasets/catalogue.js';
import { modelsUsage } from '../src/datasets/models-usage.js';
import { projectsUsage } from '../src/datasets/projects-usage.js';
import { resolveRange } from '../src/datasets/time.js';
import type { Row } from '../src/datasets/types.js';
import { usersUsage } from '../src/datasets/users-usage.js';
import { ORG_A, ORG_B, collect, ms, query, rowsOf, useFixtureStore } from './helpers/fixtures.js';
import { DIALECTS, type TestStore } from './helpers/stores.js';

/*
 * Usage datasets over February 2025 of the fixture (m12 is in January and must not count). The users
 * export is checked field by field against a plain-JS aggregation of the ingested messages; the others
 * against counts read off the fixture by hand.
 */

const FEB = resolveRange({ from: '2025-02-01', to: '2025-02-28', timezone: 'UTC' });
const feb = (overrides = {}) => query({ ...FEB, ...overrides });
const PERIOD = { period_start: '2025-02-01', period_end: '2025-02-28', org_id: ORG_A };

/** Dense rank, 1 = largest. */
function denseRank(values: number[]): (v: number) => number {
  const distinct = [...new Set(values)].sort((a, b) => b - a);
  return (v) => distinct.indexOf(v) + 1;
}

function tally(rows: Record<string, any>[], key: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of [...rows].sort((a, b) => (a[key] < b[key] ? -1 : 1))) if (r[key] != null) out[r[key]] = (out[r[key]] ?? 0) + 1;
  return out;
}

const round6 = (v: number | null) => (v === null ? null : Math.round(v * 1e6) / 1e6);
const sum = (rows: Record<string, any>[], key: string) => (rows.some((r) => r[key] != null) ? rows.reduce((s, r) => s + (r[key] ?? 0), 0) : null);

/** users_usage computed from the fixture, ungrouped. */
function expectedUsers(org: string, from: number, to: number): Row[] {
  const messages = rowsOf(org, 'messages').filter((m) => m.user_id && ms(m.created_at) >= from && ms(m.created_at) < to);
  const users = new Map(rowsOf(org, 'users').map((u) => [u.id, u]));
  const ids = [...new Set(messages.map((m) => m.user_id as string))];
  const bySource = (id: string, source: string) => messages.filter((m) => m.user_id === id && m.source === source).length;
  const metrics = ids.map((id) => {
    const mine = messages.filter((m) => m.user_id === id);
    return {
      user_id: id,
      messages_total: mine.length,
      messages_chat: bySource(id, 'chat'),
      messages_assistants: bySource(id, 'agent'),
      messages_projects: bySource(id, 'project'),
      messages_api: bySource(id, 'api'),
      assistants_messaged: new Set(mine.map((m) => m.agent_id).filter(Boolean)).size,
      projects_messaged: new Set(mine.map((m) => m.project_id).filter(Boolean)).size,
      conversations_total: new Set(mine.map((m) => m.conversation_id).filter(Boolean)).size,
      assistants_to_messages: tally(mine, 'agent_id'),
      projects_to_messages: tally(mine, 'project_id'),
      model_to_messages_total: tally(mine, 'model'),
      sum_prompt_tokens: sum(mine, 'prompt_tokens'),
      sum_completion_tokens: sum(mine, 'completion_tokens'),
      total_cost_usd: round6(sum(mine, 'cost_usd')),
      payg_consumption_in_period: round6(sum(mine, 'cost_usd') ?? 0),
    };
  });
  const rank = (key: keyof (typeof metrics)[number]) => denseRank(metrics.map((m) => m[key] as number));
  const [rt, rc, ra, rp] = [rank('messages_total'), rank('messages_chat'), rank('messages_assistants'), rank('messages_projects')];
  return metrics
    .sort((a, b) => b.messages_total - a.messages_total || (a.user_id < b.user_id ? -1 : 1))
    .map((m) => {
      const u = users.get(m.user_id);
      const limit = (u?.payg_limit as number | undefined) ?? null;
      return {
        ...PERIOD, org_id: org, name: u?.name ?? null, email: u?.email ?? null, role: u?.role ?? null,
        joined_at: u ? new Date(ms(u.created_at)).toISOString().slice(0, 10) : null, department: u?.department ?? null,
        company_name: u?.company_name ?? null, license_type: u?.license_type ?? null, model: null, ...m,
        payg_limit_current: limit,
        payg_utilization_pct_current: limit ? Math.round(((m.payg_consumption_in_period as number) / limit) * 100 * 100) / 100 : null,
        permission_group_id: u?.permission_group_id ?? null, permission_group_name: u?.permission_group_name ?? null,
        messages_total_rank: rt(m.messages_total), messages_chat_rank: rc(m.messages_chat),
        messages_assistants_rank: ra(m.messages_assistants), messages_projects_rank: rp(m.messages_projects),
      };
    });
}

const pick = (rows: Row[], keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

for (const dialect of DIALECTS) {
  describe(`usage datasets (${dialect})`, () => {
    let store: TestStore;
    useFixtureStore(dialect, (s) => (store = s));

    describe('users_usage', () => {
      it('has one row per user with messages in the period, every column as computed from the messages', async () => {
        const rows = await collect(store, usersUsage, feb());
        expect(rows).toEqual(expectedUsers(ORG_A, FEB.from, FEB.to));
        expect(pick(rows, ['user_id', 'messages_total', 'messages_total_rank', 'messages_chat_rank', 'messages_assistants_rank', 'messages_projects_rank'])).toEqual([
          { user_id: 'u_alice', messages_total: 5, messages_total_rank: 1, messages_chat_rank: 1, messages_assistants_rank: 1, messages_projects_rank: 2 },
          { user_id: 'u_bob', messages_total: 4, messages_total_rank: 2, messages_chat_rank: 3, messages_assistants_rank: 1, messages_projects_rank: 3 },
          { user_id: 'u_carol', messages_total: 3, messages_total_rank: 3, messages_chat_rank: 2, messages_assistants_rank: 2, messages_projects_rank: 1 },
        ]);
        expect(rows[0].model_to_messages_total).toEqual({ 'claude-3-5-sonnet': 1, 'gpt-4o': 4 });
      });

      it('default columns follow Langdock’s users export', () => {
        expect(resolveFields(usersUsage).map((f) => f.name).slice(0, 15)).toEqual([
          'period_start', 'period_end', 'org_id', 'user_id', 'name', 'email', 'role', 'joined_at', 'department', 'company_name', 'license_type',
          'payg_limit_current', 'payg_consumption_in_period', 'payg_utilization_pct_current', 'messages_total',
        ]);
      });

      it('a user active only outside the period has no row; an empty period has none at all', async () => {
        const all = await collect(store, usersUsage, query());
        expect(all.map((r) => r.user_id)).toContain('u_dave');
        expect((await collect(store, usersUsage, feb())).map((r) => r.user_id)).not.toContain('u_dave');
        expect(await collect(store, usersUsage, query(resolveRange({ from: '2024-06-01', to: '2024-06-30' })))).toEqual([]);
      });

      it('group_by=model gives one row per user and model with that model’s totals, ranked within the model', async () => {
        const rows = await collect(store, usersUsage, feb({ groupBy: 'model' }));
        expect(pick(rows, ['user_id', 'model', 'messages_total', 'messages_total_rank', 'model_to_messages_total'])).toEqual([
          { user_id: 'u_alice', model: 'gpt-4o', messages_total: 4, messages_total_rank: 1, model_to_messages_total: { 'gpt-4o': 4 } },
          { user_id: 'u_bob', model: 'claude-3-5-sonnet', messages_total: 3, messages_total_rank: 1, model_to_messages_total: { 'claude-3-5-sonnet': 3 } },
          { user_id: 'u_carol', model: 'gpt-4o', messages_total: 2, messages_total_rank: 2, model_to_messages_total: { 'gpt-4o': 2 } },
          { user_id: 'u_alice', model: 'claude-3-5-sonnet', messages_total: 1, messages_total_rank: 2, model_to_messages_total: { 'claude-3-5-sonnet': 1 } },
          { user_id: 'u_bob', model: 'gpt-4o', messages_total: 1, messages_total_rank: 3, model_to_messages_total: { 'gpt-4o': 1 } },
          { user_id: 'u_carol', model: 'gpt-4o-mini', messages_total: 1, messages_total_rank: 1, model_to_messages_total: { 'gpt-4o-mini': 1 } },
        ]);
        expect(resolveFields(usersUsage, undefined, 'model').map((f) => f.name)).toContain('model');
        expect(resolveFields(usersUsage).map((f) => f.name)).not.toContain('model');
      });

      it('personal scope gives only the caller’s row, ranked among everyone', async () => {
        const rows = await collect(store, usersUsage, feb({ scope: 'personal', userId: 'u_bob' }));
        expect(rows).toEqual(expectedUsers(ORG_A, FEB.from, FEB.to).filter((r) => r.user_id === 'u_bob'));
        expect(rows[0].messages_total_rank).toBe(2);
      });

      it('keeps orgs that share ids apart', async () => {
        const rows = await collect(store, usersUsage, feb({ orgId: ORG_B }));
        expect(rows).toEqual(expectedUsers(ORG_B, FEB.from, FEB.to));
        expect(pick(rows, ['user_id', 'email', 'messages_total'])).toEqual([{ user_id: 'u_alice', email: 'alice@b.example', messages_total: 2 }]);
      });

      it('writes period dates and joined_at in the request time zone', async () => {
        const range = resolveRange({ from: '2025-02-01', to: '2025-02-28', timezone: 'America/New_York' });
        const rows = await collect(store, usersUsage, query({ ...range, timezone: 'America/New_York' }));
        const bob = rows.find((r) => r.user_id === 'u_bob');
        expect(bob).toMatchObject({ period_start: '2025-02-01', period_end: '2025-02-28', joined_at: '2024-11-02' });
      });
    });

    describe('agents_usage', () => {
      it('has one row per agent messaged, with Langdock’s columns', async () => {
        const rows = await collect(store, agentsUsage, feb());
        expect(pick(rows, ['assistant_id', 'assistant_name', 'messages', 'unique_users', 'active_users', 'conversations', 'messages_per_user', 'assistant_owner_email', 'sum_prompt_tokens', 'avg_prompt_tokens', 'min_prompt_tokens', 'max_prompt_tokens'])).toEqual([
          { assistant_id: 'ag_1', assistant_name: 'Research helper', messages: 2, unique_users: 2, active_users: 2, conversations: 2, messages_per_user: 1, assistant_owner_email: 'alice@a.example', sum_prompt_tokens: 400, avg_prompt_tokens: 200, min_prompt_tokens: 100, max_prompt_tokens: 300 },
          { assistant_id: 'ag_2', assistant_name: 'Ops bot', messages: 1, unique_users: 1, active_users: 1, conversations: 1, messages_per_user: 1, assistant_owner_email: 'bob@a.example', sum_prompt_tokens: 50, avg_prompt_tokens: 50, min_prompt_tokens: 50, max_prompt_tokens: 50 },
          { assistant_id: 'ag_missing', assistant_name: null, messages: 1, unique_users: 1, active_users: 1, conversations: 1, messages_per_user: 1, assistant_owner_email: null, sum_prompt_tokens: 10, avg_prompt_tokens: 10, min_prompt_tokens: 10, max_prompt_tokens: 10 },
        ]);
        expect(rows[0]).toMatchObject({ ...PERIOD, assistant_description: 'Finds papers', assistant_owner_id: 'u_alice' });
      });

      it('group_by=model splits agents by model', async () => {
        const rows = await collect(store, agentsUsage, feb({ groupBy: 'model' }));
        expect(pick(rows, ['assistant_id', 'model', 'messages'])).toEqual([
          { assistant_id: 'ag_1', model: 'claude-3-5-sonnet', messages: 1 },
          { assistant_id: 'ag_1', model: 'gpt-4o', messages: 1 },
          { assistant_id: 'ag_2', model: 'claude-3-5-sonnet', messages: 1 },
          { assistant_id: 'ag_missing', model: 'gpt-4o', messages: 1 },
        ]);
        expect(pick(await collect(store, agentsUsage, feb({ orgId: ORG_B })), ['assistant_id', 'assistant_name', 'messages'])).toEqual([
          { assistant_id: 'ag_1', assistant_name: 'B agent', messages: 1 },
        ]);
      });
    });

    describe('projects_usage', () => {
      it('has exactly the columns of Langdock’s projects export and one row per project with messages', async () => {
        const columns = ['period_start', 'period_end', 'org_id', 'project_id', 'project_name', 'project_owner_id', 'project_owner_email', 'messages'];
        expect(projectsUsage.fields.map((f) => f.name)).toEqual(columns);
        expect(projectsUsage.groupBy).toEqual([]);
        const rows = await collect(store, projectsUsage, feb());
        expect(pick(rows, columns)).toEqual([
          { ...PERIOD, project_id: 'pr_1', project_name: 'Market research', project_owner_id: 'u_alice', project_owner_email: 'alice@a.example', messages: 2 },
          { ...PERIOD, project_id: 'pr_2', project_name: 'Hiring', project_owner_id: 'u_carol', project_owner_email: 'carol@a.example', messages: 1 },
        ]);
      });
    });

    describe('models_usage', () => {
      it('has one row per model, provider and BYOK state', async () => {
        const rows = await collect(store, modelsUsage, feb());
        expect(pick(rows, ['name', 'provider', 'bring_your_keys', 'requests', 'sum_prompt_tokens', 'sum_completion_tokens', 'total_cost_usd', 'users_total', 'source'])).toEqual([
          { name: 'gpt-4o', provider: 'openai', bring_your_keys: false, requests: 7, sum_prompt_tokens: 640, sum_completion_tokens: 340, total_cost_usd: 3.5625, users_total: 3, source: null },
          { name: 'claude-3-5-sonnet', provider: 'anthropic', bring_your_keys: true, requests: 4, sum_prompt_tokens: 580, sum_completion_tokens: 380, total_cost_usd: 2.875, users_total: 2, source: null },
          { name: 'gpt-4o-mini', provider: 'openai', bring_your_keys: false, requests: 2, sum_prompt_tokens: 13, sum_completion_tokens: 13, total_cost_usd: 0.15625, users_total: 1, source: null },
        ]);
      });

      it('group_by=source adds the source column', async () => {
        const rows = await collect(store, modelsUsage, feb({ groupBy: 'source' }));
        expect(pick(rows, ['name', 'source', 'requests'])).toEqual([
          { name: 'claude-3-5-sonnet', source: 'agent', requests: 2 },
          { name: 'gpt-4o', source: 'agent', requests: 2 },
          { name: 'gpt-4o', source: 'chat', requests: 2 },
          { name: 'gpt-4o', source: 'project', requests: 2 },
          { name: 'claude-3-5-sonnet', source: 'api', requests: 1 },
          { name: 'claude-3-5-sonnet', source: 'project', requests: 1 },
          { name: 'gpt-4o', source: 'api', requests: 1 },
          { name: 'gpt-4o-mini', source: 'api', requests: 1 },
          { name: 'gpt-4o-mini', source: 'chat', requests: 1 },
        ]);
      });
    });

    describe('api_keys_usage', () => {
      it('has one row per platform API key used, and per key and model when grouped', async () => {
        const rows = await collect(store, apiKeysUsage, feb());
        expect(pick(rows, ['api_key_id', 'api_key_name', 'requests', 'total_cost_usd', 'sum_prompt_tokens', 'model_to_messages_total'])).toEqual([
          { api_key_id: 'key_1', api_key_name: 'CI key', requests: 2, total_cost_usd: 0.5625, sum_prompt_tokens: 40, model_to_messages_total: { 'claude-3-5-sonnet': 1, 'gpt-4o': 1 } },
          { api_key_id: 'key_2', api_key_name: 'Zapier', requests: 1, total_cost_usd: 0.03125, sum_prompt_tokens: 5, model_to_messages_total: { 'gpt-4o-mini': 1 } },
        ]);
        const grouped = await collect(store, apiKeysUsage, feb({ groupBy: 'model' }));
        expect(pick(grouped, ['api_key_id', 'model', 'requests'])).toEqual([
          { api_key_id: 'key_1', model: 'claude-3-5-sonnet', requests: 1 },
          { api_key_id: 'key_1', model: 'gpt-4o', requests: 1 },
          { api_key_id: 'key_2', model: 'gpt-4o-mini', requests: 1 },
        ]);
      });
    });

    it('count() matches rows for every usage dataset in an empty period', async () => {
      const empty = query(resolveRange({ from: '2030-01-01', to: '2030-01-31' }));
      for (const d of [usersUsage, agentsUsage, projectsUsage, modelsUsage, apiKeysUsage]) expect(await collect(store, d, empty)).toEqual([]);
    });
  });
}
