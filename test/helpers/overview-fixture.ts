import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';

/*
 * A fixed platform for the overview: March 2025 in UTC, two teams, a personal space, a run whose
 * workflow has not arrived, runs just outside the period on both sides, agents, and messages. The
 * expected overview of it is written out in the tests that use it.
 */

type Send = (entity: string, rows: unknown[]) => Promise<void>;

/** An ingest sender over real HTTP with an admin key. */
export const httpSender =
  (base: string, key: string): Send =>
  async (entity, rows) => {
    const res = await fetch(`${base}/v1/ingest/${entity}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(rows),
    });
    expect(res.status, `ingest ${entity}: ${await res.clone().text()}`).toBe(200);
  };

/** Ingests the overview fixture through `send`. */
export async function seedOverview(send: Send): Promise<void> {
  const at = '2025-01-01T00:00:00Z';
  await send('workspaces', [
    { id: 'ws_alpha', name: 'Alpha team', kind: 'team', created_at: at },
    { id: 'ws_beta', name: 'Beta team', kind: 'team', created_at: at },
    { id: 'ws_p_member', name: 'Member space', kind: 'personal', owner_user_id: 'u_member', created_at: at },
  ]);
  await send('users', [{ id: 'u_carol', email: 'carol@org-a.example', name: 'Carol Cole', role: 'member', created_at: at }]);
  await send('workflows', [
    { id: 'wf_a', workspace_id: 'ws_alpha', name: 'Lead enrichment', enabled: true, created_by: 'u_admin', created_at: at },
    { id: 'wf_b', workspace_id: 'ws_beta', name: 'Invoice triage', enabled: true, created_by: 'u_admin', created_at: at },
    { id: 'wf_p', workspace_id: 'ws_p_member', name: 'My digest', enabled: true, created_by: 'u_member', created_at: at },
  ]);
  const run = (id: string, workflow_id: string, user_id: string, created_at: string, credit_cost: number) => ({ id, workflow_id, user_id, status: 'completed', credit_cost, created_at, finished_at: created_at });
  await send('workflow_runs', [
    run('r1', 'wf_a', 'u_admin', '2025-03-03T10:00:00Z', 2.5),
    run('r2', 'wf_a', 'u_carol', '2025-03-03T23:30:00Z', 1),
    run('r3', 'wf_b', 'u_admin', '2025-03-03T12:00:00Z', 0.5),
    run('r4', 'wf_a', 'u_member', '2025-03-10T10:00:00Z', 4),
    run('r5', 'wf_p', 'u_member', '2025-03-15T10:00:00Z', 3),
    run('r6', 'wf_unknown', 'u_admin', '2025-03-20T10:00:00Z', 1.25),
    run('r7', 'wf_b', 'u_carol', '2025-03-31T23:59:59Z', 2),
    // Just outside March in UTC (inside it in New York for r8).
    run('r8', 'wf_a', 'u_admin', '2025-04-01T00:00:00Z', 100),
    run('r9', 'wf_a', 'u_admin', '2025-02-28T23:59:59Z', 100),
  ]);
  const agent = (id: string, workspace_id: string, name: string) => ({ id, workspace_id, name, model: 'gpt-4o', tools: [], status: 'active', created_by: 'u_admin', created_at: at, updated_at: at });
  await send('agents', [agent('ag_1', 'ws_alpha', 'Support bot'), agent('ag_2', 'ws_beta', 'Sales bot')]);
  const interaction = (id: string, agent_id: string, user_id: string, created_at: string, credit_cost: number, message_count: number) => ({ id, agent_id, user_id, interaction_type: 'chat', credit_cost, message_count, created_at });
  await send('agent_interactions', [
    interaction('i1', 'ag_1', 'u_admin', '2025-03-05T09:00:00Z', 2, 4),
    interaction('i2', 'ag_1', 'u_carol', '2025-03-06T09:00:00Z', 1, 10),
    interaction('i3', 'ag_2', 'u_member', '2025-03-07T09:00:00Z', 5, 1),
    interaction('i4', 'ag_2', 'u_admin', '2025-04-02T09:00:00Z', 50, 50),
  ]);
  const message = (id: string, user_id: string, source: string, model: string, provider: string, cost_usd: number, created_at: string) => ({ id, user_id, source, model, provider, cost_usd, created_at });
  await send('messages', [
    message('m1', 'u_admin', 'chat', 'gpt-4o', 'openai', 0.25, '2025-03-02T09:00:00Z'),
    message('m2', 'u_admin', 'chat', 'gpt-4o', 'openai', 0.25, '2025-03-04T09:00:00Z'),
    message('m3', 'u_admin', 'api', 'claude-3', 'anthropic', 1.5, '2025-03-04T10:00:00Z'),
    message('m4', 'u_carol', 'chat', 'claude-3', 'anthropic', 0.5, '2025-03-05T09:00:00Z'),
    message('m5', 'u_carol', 'chat', 'gpt-4o', 'openai', 0.25, '2025-04-01T09:00:00Z'),
  ]);
}

/** Workflow credits per day and team of March 2025 in UTC, summed by hand from the runs above. */
export const MARCH_UTC_CREDITS = [
  { date: '2025-03-03', team: 'ws_alpha', credits: 3.5 },
  { date: '2025-03-03', team: 'ws_beta', credits: 0.5 },
  { date: '2025-03-10', team: 'ws_alpha', credits: 4 },
  { date: '2025-03-15', team: 'personal', credits: 3 },
  { date: '2025-03-20', team: 'unknown', credits: 1.25 },
  { date: '2025-03-31', team: 'ws_beta', credits: 2 },
];

/** Sums credit_cost of a workflow_runs CSV per day (of pl_run_created_ts) and team, as the overview should. */
export function creditsOfCsv(csv: string, teamOf: (r: Record<string, string>) => string): { date: string; team: string; credits: number }[] {
  const sums = new Map<string, number>();
  for (const r of parse(csv, { columns: true }) as Record<string, string>[]) {
    const key = `${r.pl_run_created_ts.slice(0, 10)} ${teamOf(r)}`;
    sums.set(key, (sums.get(key) ?? 0) + Number(r.credit_cost));
  }
  return [...sums]
    .map(([k, credits]) => ({ date: k.split(' ')[0], team: k.split(' ')[1], credits }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.team.localeCompare(b.team));
}
