import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { MARCH_UTC_CREDITS, creditsOfCsv, seedOverview } from './helpers/overview-fixture.js';
import { downloadExport, ingest, waitForExport } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * GET /v1/overview on a fixed fixture: every number written out by hand, and the credits per day and
 * team equal to summing credit_cost of a workflow_runs CSV export of the same period.
 */

for (const dialect of DIALECTS) {
  describe(`overview (${dialect})`, () => {
    let t: TestApp;
    const get = (qs: string, key = t.orgA.admin.key) => t.app.inject({ url: `/v1/overview?${qs}`, headers: bearer(key) });

    beforeAll(async () => {
      t = await createTestApp(dialect);
      await seedOverview((entity, rows) => ingest(t, entity, rows as object[]));
    });
    afterAll(async () => t?.close());

    it('sums March 2025 (UTC): credits per day by team, totals and every top list', async () => {
      const res = await get('from=2025-03-01&to=2025-03-31&timezone=UTC');
      expect(res.statusCode, res.body).toBe(200);
      const o = res.json();
      expect([o.from, o.to, o.timezone]).toEqual(['2025-03-01T00:00:00.000Z', '2025-03-31T23:59:59.999Z', 'UTC']);
      expect(o.days).toHaveLength(31);
      expect([o.days[0], o.days[30]]).toEqual(['2025-03-01', '2025-03-31']);
      expect(o.credits.workflow_runs.by_day).toEqual(MARCH_UTC_CREDITS);
      expect(o.credits.workflow_runs.teams).toEqual([
        { key: 'ws_alpha', name: 'Alpha team', credits: 7.5 },
        { key: 'personal', name: 'Personal spaces', credits: 3 },
        { key: 'ws_beta', name: 'Beta team', credits: 2.5 },
        { key: 'unknown', name: 'Workflow not known yet', credits: 1.25 },
      ]);
      // Agent credits per day of the interaction and the agent's team (i4 is in April).
      expect(o.credits.agent_interactions).toEqual({
        teams: [
          { key: 'ws_beta', name: 'Beta team', credits: 5 },
          { key: 'ws_alpha', name: 'Alpha team', credits: 3 },
        ],
        by_day: [
          { date: '2025-03-05', team: 'ws_alpha', credits: 2 },
          { date: '2025-03-06', team: 'ws_alpha', credits: 1 },
          { date: '2025-03-07', team: 'ws_beta', credits: 5 },
        ],
      });
      expect(o.totals).toEqual({ workflow_credits: 14.25, agent_credits: 8, runs: 7, interactions: 3, messages: 4 });
      const items = (name: string) => o.top[name].items.map((i: { id: string | null; name: string; value: number }) => [i.id, i.name, i.value]);
      expect(items('workflows_by_credits')).toEqual([
        ['wf_a', 'Lead enrichment', 7.5],
        ['wf_p', 'My digest', 3],
        ['wf_b', 'Invoice triage', 2.5],
        ['wf_unknown', 'wf_unknown', 1.25],
      ]);
      expect(items('workflows_by_runs')).toEqual([
        ['wf_a', 'Lead enrichment', 3],
        ['wf_b', 'Invoice triage', 2],
        ['wf_p', 'My digest', 1],
        ['wf_unknown', 'wf_unknown', 1],
      ]);
      expect(items('agents_by_credits')).toEqual([
        ['ag_2', 'Sales bot', 5],
        ['ag_1', 'Support bot', 3],
      ]);
      expect(items('agents_by_messages')).toEqual([
        ['ag_1', 'Support bot', 14],
        ['ag_2', 'Sales bot', 1],
      ]);
      expect(items('users_by_credits')).toEqual([
        ['u_member', 'member of org_a', 12],
        ['u_admin', 'admin of org_a', 6.25],
        ['u_carol', 'Carol Cole', 4],
      ]);
      expect(items('users_by_messages')).toEqual([
        ['u_admin', 'admin of org_a', 3],
        ['u_carol', 'Carol Cole', 1],
      ]);
      expect(items('models_by_cost')).toEqual([
        ['claude-3', 'claude-3', 2],
        ['gpt-4o', 'gpt-4o', 0.5],
      ]);
      expect(items('models_by_messages')).toEqual([
        ['claude-3', 'claude-3', 2],
        ['gpt-4o', 'gpt-4o', 2],
      ]);
      expect(o.top.workflows_by_credits).toMatchObject({ dataset: 'workflow_runs', sources: ['workflow_runs'], measure: 'credit_cost' });
      expect(o.top.models_by_messages).toMatchObject({ dataset: 'models_usage', sources: ['models_usage'], measure: 'requests' });
      // Users' credits are their runs' plus their agent interactions': both datasets are named.
      expect(o.top.users_by_credits).toMatchObject({ dataset: 'workflow_runs', sources: ['workflow_runs', 'agent_interactions'], measure: 'credit_cost' });
    });

    it('equals a workflow_runs CSV export of the same period, summed per day and team', async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/v1/exports',
        headers: bearer(t.orgA.admin.key),
        payload: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31', timezone: 'UTC', fields: ['pl_run_created_ts', 'workspace_id', 'workspace_kind', 'credit_cost'] },
      });
      expect(created.statusCode, created.body).toBe(202);
      const done = await waitForExport(t, created.json().id, t.orgA.admin.key);
      expect(done.status).toBe('completed');
      const csv = (await downloadExport(t, done.id, t.orgA.admin.key)).body;
      // Team as the overview counts it: every personal space together, runs without a known workflow apart.
      const fromCsv = creditsOfCsv(csv, (r) => (r.workspace_id === '' ? 'unknown' : r.workspace_kind === 'personal' ? 'personal' : r.workspace_id));
      expect(fromCsv).toEqual(MARCH_UTC_CREDITS);
      expect((await get('from=2025-03-01&to=2025-03-31&timezone=UTC')).json().credits.workflow_runs.by_day).toEqual(fromCsv);
    });

    it('counts days in the requested timezone: in New York the run at 00:00 UTC on April 1 is March 31', async () => {
      const o = (await get('from=2025-03-01&to=2025-03-31&timezone=America/New_York')).json();
      expect(o.from).toBe('2025-03-01T05:00:00.000Z');
      expect(o.credits.workflow_runs.by_day.filter((d: { date: string }) => d.date === '2025-03-31')).toEqual([
        { date: '2025-03-31', team: 'ws_alpha', credits: 100 },
        { date: '2025-03-31', team: 'ws_beta', credits: 2 },
      ]);
      expect(o.totals.workflow_credits).toBe(114.25);
    });

    it('refuses members (403), and bad periods with a 4xx naming the problem', async () => {
      const member = await get('from=2025-03-01&to=2025-03-31', t.orgA.member.key);
      expect(member.statusCode).toBe(403);
      for (const [qs, status, field] of [
        ['to=2025-03-31', 400, 'from'],
        ['from=2025-3-1&to=2025-03-31', 400, 'from'],
        ['from=2025-03-01&to=2025-03-31&limit=0', 400, 'limit'],
        ['from=2025-03-01&to=2025-03-31&timezone=Mars/Base', 400, 'Mars/Base'],
        ['from=2025-02-30&to=2025-03-31', 400, 'querystring.from: Invalid ISO date'],
        ['from=2024-01-01&to=2025-03-31', 400, 'to'],
        ['from=2025-03-31&to=2025-03-01', 400, 'the end date must be on or after the start date'],
        ['from=2099-01-01&to=2099-01-02', 400, 'from'],
      ] as const) {
        const res = await get(qs);
        expect(res.statusCode, `${qs}: ${res.body}`).toBe(status);
        if (field) expect(res.body, qs).toContain(field);
      }
    });

    it('shows org B nothing of org A', async () => {
      const o = (await get('from=2025-03-01&to=2025-03-31', t.orgB.admin.key)).json();
      expect(o.credits).toEqual({ workflow_runs: { teams: [], by_day: [] }, agent_interactions: { teams: [], by_day: [] } });
      expect(o.totals).toEqual({ workflow_credits: 0, agent_credits: 0, runs: 0, interactions: 0, messages: 0 });
    });
  });
}
