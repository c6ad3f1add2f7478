import { describe, expect, it } from 'vitest';
import { agentInteractions } from '../src/datasets/agent-interactions.js';
import { dropUnusedJoins } from '../src/datasets/count-joins.js';
import { agents } from '../src/datasets/agents.js';
import { creditLogs } from '../src/datasets/credit-logs.js';
import { llmLogs } from '../src/datasets/llm-logs.js';
import { resolveRange } from '../src/datasets/time.js';
import type { Row } from '../src/datasets/types.js';
import { workflowRuns } from '../src/datasets/workflow-runs.js';
import { ORG_A, ORG_B, collect, ms, query, rowsOf, useFixtureStore } from './helpers/fixtures.js';
import { DIALECTS, type TestStore } from './helpers/stores.js';

/*
 * Record datasets against the shared fixture: each expected row is computed here from what was ingested
 * (a reference implementation in plain JS), so a test states the rule, not a copy of the output.
 */

const byId = (org: string, entity: Parameters<typeof rowsOf>[1]) => new Map(rowsOf(org, entity).map((r) => [r.id, r]));
const tsOrNull = (v: string | undefined) => (v ? ms(v) : null);
const chrono = (a: Record<string, any>, b: Record<string, any>) => ms(a.created_at) - ms(b.created_at) || (a.id < b.id ? -1 : 1);
const ids = (rows: Row[], key: string) => rows.map((r) => r[key]);

function expectedRuns(org: string, keep: (run: Record<string, any>) => boolean = () => true): Row[] {
  const wfs = byId(org, 'workflows');
  const users = byId(org, 'users');
  const wss = byId(org, 'workspaces');
  return rowsOf(org, 'workflow_runs').filter(keep).sort(chrono).map((r) => {
    const wf = wfs.get(r.workflow_id);
    const u = users.get(r.user_id);
    const ws = wf ? wss.get(wf.workspace_id) : undefined;
    return {
      workbook_id: r.workflow_id, workbook_name: wf?.name ?? null, workbook_created_ts: tsOrNull(wf?.created_at), user_id: r.user_id,
      user_email: u?.email ?? null, workspace_id: wf?.workspace_id ?? null, workspace_name: ws?.name ?? null, run_id: r.id,
      credit_cost: r.credit_cost, pl_run_created_ts: ms(r.created_at), pl_run_finished_ts: tsOrNull(r.finished_at), pipeline: wf?.pipeline ?? null,
      run_status: r.status, trigger: r.trigger ?? null, user_name: u?.name ?? null, workspace_kind: ws?.kind ?? null,
      workbook_enabled: wf ? wf.enabled : null, workbook_updated_ts: tsOrNull(wf?.updated_at),
    };
  });
}

function expectedAgents(org: string, keep: (a: Record<string, any>) => boolean = () => true): Row[] {
  const users = byId(org, 'users');
  const wss = byId(org, 'workspaces');
  return rowsOf(org, 'agents').filter(keep).sort(chrono).map((a) => ({
    agent_id: a.id, agent_name: a.name, agent_description: a.description ?? null, agent_model: a.model, agent_system_prompt: a.system_prompt ?? null,
    agent_created_ts: ms(a.created_at), agent_tools: a.tools, agent_metadata: a.metadata ?? null, creator_email: users.get(a.created_by)?.email ?? null,
    workspace_id: a.workspace_id, workspace_name: wss.get(a.workspace_id)?.name ?? null, agent_status: a.status, agent_updated_ts: ms(a.updated_at),
    creator_id: a.created_by, creator_name: users.get(a.created_by)?.name ?? null, workspace_kind: wss.get(a.workspace_id)?.kind ?? null,
    agent_url: a.url ?? null,
  }));
}

function expectedInteractions(org: string, keep: (i: Record<string, any>) => boolean = () => true): Row[] {
  const ags = byId(org, 'agents');
  const users = byId(org, 'users');
  const wss = byId(org, 'workspaces');
  return rowsOf(org, 'agent_interactions').filter(keep).sort(chrono).map((i) => {
    const a = ags.get(i.agent_id);
    const ws = a ? wss.get(a.workspace_id) : undefined;
    return {
      interaction_id: i.id, agent_id: i.agent_id, agent_name: a?.name ?? null, user_id: i.user_id, user_email: users.get(i.user_id)?.email ?? null,
      interaction_type: i.interaction_type, name: i.name ?? null, trigger_type: i.trigger_type ?? null, credit_cost: i.credit_cost,
      llm_credit_cost: i.llm_credit_cost ?? null, tool_credit_cost: i.tool_credit_cost ?? null, flow_credit_cost: i.flow_credit_cost ?? null,
      message_count: i.message_count, created_ts: ms(i.created_at), workspace_id: a?.workspace_id ?? null, workspace_name: ws?.name ?? null,
      user_name: users.get(i.user_id)?.name ?? null, workspace_kind: ws?.kind ?? null,
      interaction_name: i.name ?? null, interaction_created_ts: ms(i.created_at),
    };
  });
}

function expectedCreditLogs(org: string, keep: (c: Record<string, any>) => boolean = () => true): Row[] {
  const users = byId(org, 'users');
  return rowsOf(org, 'credit_logs').filter(keep).sort(chrono).map((c) => ({
    user_email: users.get(c.user_id)?.email ?? null, timestamp: ms(c.created_at), category: c.category, type: c.type ?? null, name: c.name ?? null,
    amount: c.amount, balance: c.balance, log_id: c.id, user_id: c.user_id ?? null, workspace_id: c.workspace_id ?? null,
    entity_id: c.entity_id ?? null, correlation_id: c.correlation_id ?? null, permission_group_id: c.permission_group_id ?? null,
    permission_group_name: c.permission_group_name ?? null, project_id: c.project_id ?? null, balance_scope: c.balance_scope ?? null,
  }));
}

function expectedLogs(org: string, keep: (l: Record<string, any>) => boolean = () => true): Row[] {
  const projects = byId(org, 'projects');
  return rowsOf(org, 'llm_logs').filter(keep).sort((a, b) => -chrono(a, b)).map((l) => {
    const row: Row = {};
    for (const f of llmLogs.fields) row[f.name] = l[f.name] ?? null;
    row.project = projects.get(l.project_id)?.name ?? null;
    row.created_at = ms(l.created_at);
    row.updated_at = tsOrNull(l.updated_at);
    // Known although not sent: Humanloop's export fills them (issue 11).
    row.tokens = l.tokens ?? (typeof l.prompt_tokens === 'number' && typeof l.output_tokens === 'number' ? l.prompt_tokens + l.output_tokens : null);
    row.config_id = l.config_id ?? l.config?.id ?? null;
    return row;
  });
}

for (const dialect of DIALECTS) {
  describe(`record datasets (${dialect})`, () => {
    let store: TestStore;
    useFixtureStore(dialect, (s) => (store = s));

    describe('workflow_runs', () => {
      it('exports every run of the org, with what is known of its workflow, user and team, in created order', async () => {
        const rows = await collect(store, workflowRuns, query());
        expect(rows).toEqual(expectedRuns(ORG_A));
        // Same timestamp: the id breaks the tie. A run of an unknown workflow keeps its workbook_id.
        expect(ids(rows, 'run_id').slice(0, 3)).toEqual(['run_01', 'run_07', 'run_02']);
        expect(rows.find((r) => r.run_id === 'run_06')).toMatchObject({ workbook_id: 'wf_missing', workbook_name: null, workspace_id: null, user_email: 'carol@a.example' });
      });

      it('keeps orgs that share ids apart', async () => {
        const rows = await collect(store, workflowRuns, query({ orgId: ORG_B }));
        expect(rows).toEqual(expectedRuns(ORG_B));
        expect(rows.map((r) => [r.run_id, r.credit_cost, r.user_email])).toEqual([['run_01', 99, 'alice@b.example'], ['run_99', 9, 'alice@b.example']]);
      });

      it('emits the default fields in Gumloop order, pipeline parsed, only when asked', async () => {
        const fields = ['workbook_id', 'workbook_name', 'workbook_created_ts', 'user_id', 'user_email', 'workspace_id', 'workspace_name', 'run_id', 'credit_cost', 'pl_run_created_ts', 'pl_run_finished_ts', 'pipeline'];
        expect(workflowRuns.fields.filter((f) => f.default).map((f) => f.name)).toEqual(fields);
        const [first] = await collect(store, workflowRuns, query({ fields: ['run_id', 'pipeline'] }));
        expect(first).toEqual({ run_id: 'run_01', pipeline: { nodes: [{ id: 'n1', type: 'input' }, { id: 'n2', type: 'llm' }] } });
      });

      it('personal scope keeps only the caller’s runs', async () => {
        const rows = await collect(store, workflowRuns, query({ scope: 'personal', userId: 'u_bob' }));
        expect(rows).toEqual(expectedRuns(ORG_A, (r) => r.user_id === 'u_bob'));
        expect(rows.length).toBeGreaterThan(0);
      });

      it('team selection: listed workspaces, plus personal ones when asked; runs of unknown workflows only without a selection', async () => {
        const wsOf = (r: Record<string, any>) => byId(ORG_A, 'workflows').get(r.workflow_id)?.workspace_id;
        const kind = (id: string) => byId(ORG_A, 'workspaces').get(id)?.kind;
        const growth = await collect(store, workflowRuns, query({ workspaceIds: ['ws_growth'] }));
        expect(growth).toEqual(expectedRuns(ORG_A, (r) => wsOf(r) === 'ws_growth'));
        const personal = await collect(store, workflowRuns, query({ includePersonalWorkspaces: true }));
        expect(ids(personal, 'run_id')).toEqual(['run_04', 'run_05']);
        const both = await collect(store, workflowRuns, query({ workspaceIds: ['ws_ops'], includePersonalWorkspaces: true }));
        expect(both).toEqual(expectedRuns(ORG_A, (r) => wsOf(r) === 'ws_ops' || kind(wsOf(r)) === 'personal'));
        const none = await collect(store, workflowRuns, query({ workspaceIds: [], includePersonalWorkspaces: false }));
        expect(none).toHaveLength(rowsOf(ORG_A, 'workflow_runs').length);
      });

      it('counts what it streams for every scope and team selection (the count leaves out joins no filter uses)', async () => {
        const cases = [query(), query({ workspaceIds: ['ws_growth'] }), query({ includePersonalWorkspaces: true }), query({ workspaceIds: ['ws_ops'], includePersonalWorkspaces: true }), query({ scope: 'personal', userId: 'u_bob' }), query({ entityIds: ['wf_2'] })];
        for (const q of cases) expect(await workflowRuns.count(store, q)).toBe((await collect(store, workflowRuns, q)).length);
        const counted = (where?: 'w' | 'ws') => {
          let qb = store.db
            .withPlugin(dropUnusedJoins)
            .selectFrom('workflow_runs as r')
            .leftJoin('workflows as w', (j) => j.onRef('w.org_id', '=', 'r.org_id').onRef('w.id', '=', 'r.workflow_id'))
            .leftJoin('workspaces as ws', (j) => j.onRef('ws.org_id', '=', 'w.org_id').onRef('ws.id', '=', 'w.workspace_id'))
            .select((eb) => eb.fn.countAll().as('n'));
          if (where === 'w') qb = qb.where('w.enabled', '=', 1);
          if (where === 'ws') qb = qb.where('ws.kind', '=', 'personal');
          return qb.compile().sql.replace(/["`]/g, '');
        };
        expect(counted()).not.toContain('join');
        expect(counted('w')).toContain('left join workflows as w');
        expect(counted('w')).not.toContain('workspaces');
        // ws is joined through w: both stay.
        expect(counted('ws')).toContain('left join workflows as w');
        expect(counted('ws')).toContain('left join workspaces as ws');
      });

      it('entity_ids are workflow ids', async () => {
        const rows = await collect(store, workflowRuns, query({ entityIds: ['wf_2', 'wf_missing'] }));
        expect(rows).toEqual(expectedRuns(ORG_A, (r) => r.workflow_id === 'wf_2' || r.workflow_id === 'wf_missing'));
      });

      it('resolves whole local days across DST changes (New York, Berlin) and in UTC', async () => {
        const day = async (date: string, timezone: string) =>
          ids(await collect(store, workflowRuns, query({ ...resolveRange({ from: date, to: date, timezone }), timezone })), 'run_id');
        expect(await day('2025-03-09', 'America/New_York')).toEqual(['run_11', 'run_09']);
        expect(await day('2025-03-30', 'Europe/Berlin')).toEqual(['run_13']);
        expect(await day('2025-03-30', 'UTC')).toEqual(['run_13', 'run_14']);
        const range = resolveRange({ from: '2025-02-03', to: '2025-02-10', timezone: 'UTC' });
        expect(await collect(store, workflowRuns, query(range))).toEqual(expectedRuns(ORG_A, (r) => ms(r.created_at) >= range.from && ms(r.created_at) < range.to));
      });

      it('releases the connection when a reader stops early', async () => {
        for await (const row of workflowRuns.rows(store, query())) {
          expect(row.run_id).toBe('run_01');
          break;
        }
        expect(await workflowRuns.count(store, query())).toBe(rowsOf(ORG_A, 'workflow_runs').length);
      });
    });

    describe('agents', () => {
      it('exports agent configurations with creator and workspace; isolated per org', async () => {
        expect(await collect(store, agents, query())).toEqual(expectedAgents(ORG_A));
        expect(await collect(store, agents, query({ orgId: ORG_B }))).toEqual(expectedAgents(ORG_B));
      });

      it('personal scope = agents the caller created; team selection and entity_ids', async () => {
        expect(await collect(store, agents, query({ scope: 'personal', userId: 'u_bob' }))).toEqual(expectedAgents(ORG_A, (a) => a.created_by === 'u_bob'));
        expect(ids(await collect(store, agents, query({ workspaceIds: ['ws_growth', 'ws_ops'] })), 'agent_id')).toEqual(['ag_1', 'ag_2']);
        expect(ids(await collect(store, agents, query({ includePersonalWorkspaces: true })), 'agent_id')).toEqual(['ag_3']);
        expect(ids(await collect(store, agents, query({ entityIds: ['ag_4', 'ag_1'] })), 'agent_id')).toEqual(['ag_1', 'ag_4']);
      });

      it('filters on the creation time', async () => {
        const range = resolveRange({ from: '2025-01-11', to: '2025-01-12', timezone: 'UTC' });
        expect(ids(await collect(store, agents, query(range)), 'agent_id')).toEqual(['ag_2', 'ag_3']);
      });
    });

    describe('agent_interactions', () => {
      it('exports interactions with agent, user and the agent’s workspace; isolated per org', async () => {
        expect(await collect(store, agentInteractions, query())).toEqual(expectedInteractions(ORG_A));
        expect(await collect(store, agentInteractions, query({ orgId: ORG_B }))).toEqual(expectedInteractions(ORG_B));
      });

      it('personal scope, team selection via the agent, entity_ids = agent ids', async () => {
        expect(ids(await collect(store, agentInteractions, query({ scope: 'personal', userId: 'u_alice' })), 'interaction_id')).toEqual(['ix_1', 'ix_5']);
        expect(ids(await collect(store, agentInteractions, query({ workspaceIds: ['ws_ops'] })), 'interaction_id')).toEqual(['ix_3']);
        expect(ids(await collect(store, agentInteractions, query({ includePersonalWorkspaces: true })), 'interaction_id')).toEqual(['ix_4']);
        expect(ids(await collect(store, agentInteractions, query({ entityIds: ['ag_1'] })), 'interaction_id')).toEqual(['ix_1', 'ix_2']);
      });
    });

    describe('credit_logs', () => {
      it('exports every transaction org-wide; isolated per org', async () => {
        expect(creditLogs.orgWide).toBe(true);
        expect(creditLogs.filters).toEqual(['category', 'permission_group_ids']);
        expect(await collect(store, creditLogs, query())).toEqual(expectedCreditLogs(ORG_A));
        expect(await collect(store, creditLogs, query({ orgId: ORG_B }))).toEqual(expectedCreditLogs(ORG_B));
      });

      it('category filter and personal scope', async () => {
        expect(await collect(store, creditLogs, query({ category: 'AGENT_RUN' }))).toEqual(expectedCreditLogs(ORG_A, (c) => c.category === 'AGENT_RUN'));
        expect(await collect(store, creditLogs, query({ category: 'NOPE' }))).toEqual([]);
        expect(ids(await collect(store, creditLogs, query({ scope: 'personal', userId: 'u_alice' })), 'log_id')).toEqual(['cl_1', 'cl_3']);
      });
    });

    describe('llm_logs', () => {
      it('exports Humanloop log records newest first (ties: id descending), fields from the data column', async () => {
        const rows = await collect(store, llmLogs, query());
        expect(ids(rows, 'id')).toEqual(['log_4', 'log_3', 'log_2', 'log_1']);
        expect(rows).toEqual(expectedLogs(ORG_A));
        expect(rows[3]).toMatchObject({ project: 'Market research', user: 'end-user-1', judgment: true, feedback: [{ type: 'rating', id: 'fb_1', value: 'good' }] });
        expect(await collect(store, llmLogs, query({ orgId: ORG_B }))).toEqual(expectedLogs(ORG_B));
      });

      it('entity_ids are project ids; columns-only requests skip the data column', async () => {
        expect(ids(await collect(store, llmLogs, query({ entityIds: ['pr_1'] })), 'id')).toEqual(['log_2', 'log_1']);
        const rows = await collect(store, llmLogs, query({ fields: ['id', 'project'], entityIds: ['pr_2'] }));
        expect(rows).toEqual([{ id: 'log_3', project: 'Hiring' }]);
      });
    });
  });
}
