import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import { agent, interaction, msg, run, sendFixture, type Fixture, type Send } from './fixtures.js';

/*
 * A fixed platform for the overview: March 2025 in UTC, two teams, a personal space, a run whose
 * workflow has not arrived, runs just outside the period on both sides, agents, and messages. Built with
 * the shared fixture's row builders and ingested as it is (children first); the expected overview of it
 * is written out in the tests that use it.
 */

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

const at = '2025-01-01T00:00:00Z';
/** A completed run that finished when it started. */
const done = (id: string, workflow_id: string, user_id: string, created_at: string, credit_cost: number) => run(id, workflow_id, user_id, created_at, credit_cost, { finished_at: created_at });

/** The overview's platform (org A). */
export const OVERVIEW_FIXTURE: Fixture = {
  workspaces: [
    { id: 'ws_alpha', name: 'Alpha team', kind: 'team', created_at: at },
    { id: 'ws_beta', name: 'Beta team', kind: 'team', created_at: at },
    { id: 'ws_p_member', name: 'Member space', kind: 'personal', owner_user_id: 'u_member', created_at: at },
  ],
  users: [{ id: 'u_carol', email: 'carol@org-a.example', name: 'Carol Cole', role: 'member', created_at: at }],
  workflows: [
    { id: 'wf_a', workspace_id: 'ws_alpha', name: 'Lead enrichment', enabled: true, created_by: 'u_admin', created_at: at },
    { id: 'wf_b', workspace_id: 'ws_beta', name: 'Invoice triage', enabled: true, created_by: 'u_admin', created_at: at },
    { id: 'wf_p', workspace_id: 'ws_p_member', name: 'My digest', enabled: true, created_by: 'u_member', created_at: at },
  ],
  workflow_runs: [
    done('r1', 'wf_a', 'u_admin', '2025-03-03T10:00:00Z', 2.5),
    done('r2', 'wf_a', 'u_carol', '2025-03-03T23:30:00Z', 1),
    done('r3', 'wf_b', 'u_admin', '2025-03-03T12:00:00Z', 0.5),
    done('r4', 'wf_a', 'u_member', '2025-03-10T10:00:00Z', 4),
    done('r5', 'wf_p', 'u_member', '2025-03-15T10:00:00Z', 3),
    done('r6', 'wf_unknown', 'u_admin', '2025-03-20T10:00:00Z', 1.25),
    done('r7', 'wf_b', 'u_carol', '2025-03-31T23:59:59Z', 2),
    // Just outside March in UTC (inside it in New York for r8).
    done('r8', 'wf_a', 'u_admin', '2025-04-01T00:00:00Z', 100),
    done('r9', 'wf_a', 'u_admin', '2025-02-28T23:59:59Z', 100),
  ],
  agents: [agent('ag_1', 'ws_alpha', 'Support bot', 'gpt-4o', 'u_admin', at), agent('ag_2', 'ws_beta', 'Sales bot', 'gpt-4o', 'u_admin', at)],
  agent_interactions: [
    interaction('i1', 'ag_1', 'u_admin', '2025-03-05T09:00:00Z', 2, 4),
    interaction('i2', 'ag_1', 'u_carol', '2025-03-06T09:00:00Z', 1, 10),
    interaction('i3', 'ag_2', 'u_member', '2025-03-07T09:00:00Z', 5, 1),
    interaction('i4', 'ag_2', 'u_admin', '2025-04-02T09:00:00Z', 50, 50),
  ],
  messages: [
    msg('m1', 'u_admin', 'chat', 'gpt-4o', 'openai', '2025-03-02T09:00:00Z', { cost_usd: 0.25 }),
    msg('m2', 'u_admin', 'chat', 'gpt-4o', 'openai', '2025-03-04T09:00:00Z', { cost_usd: 0.25 }),
    msg('m3', 'u_admin', 'api', 'claude-3', 'anthropic', '2025-03-04T10:00:00Z', { cost_usd: 1.5 }),
    msg('m4', 'u_carol', 'chat', 'claude-3', 'anthropic', '2025-03-05T09:00:00Z', { cost_usd: 0.5 }),
    msg('m5', 'u_carol', 'chat', 'gpt-4o', 'openai', '2025-04-01T09:00:00Z', { cost_usd: 0.25 }),
  ],
};

/** Ingests the overview fixture through `send`. */
export const seedOverview = (send: Send): Promise<void> => sendFixture(OVERVIEW_FIXTURE, send);

/** Workflow credits per day and team of March 2025 in UTC, summed by hand from the runs above. */
export const MARCH_UTC_CREDITS = [
  { date: '2025-03-03', team: 'ws_alpha', credits: 3.5 },
  { date: '2025-03-03', team: 'ws_beta', credits: 0.5 },
  { date: '2025-03-10', team: 'ws_alpha', credits: 4 },
  { date: '2025-03-15', team: 'personal', credits: 3 },
  { date: '2025-03-20', team: 'unknown', credits: 1.25 },
  { date: '2025-03-31', team: 'ws_beta', credits: 2 },
];

/**
 * Sums `column` of a CSV export per key of each row, rounded to micro-units as the overview rounds its sums.
 * @example sumCsv(csv, 'credit_cost', (r) => r.workbook_id) // Map { 'wf_a' => 7.5, 'wf_b' => 2.5, … }
 */
export function sumCsv(csv: string, column: string, keyOf: (r: Record<string, string>) => string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const r of parse(csv, { columns: true }) as Record<string, string>[]) {
    if (!(column in r)) throw new Error(`the CSV has no column ${column}; it has ${Object.keys(r).join(', ')}`);
    sums.set(keyOf(r), (sums.get(keyOf(r)) ?? 0) + Number(r[column]));
  }
  return new Map([...sums].map(([k, v]) => [k, Math.round(v * 1e6) / 1e6]));
}

/** Sums credit_cost of a workflow_runs CSV per day (of pl_run_created_ts) and team, as the overview should. */
export function creditsOfCsv(csv: string, teamOf: (r: Record<string, string>) => string): { date: string; team: string; credits: number }[] {
  return [...sumCsv(csv, 'credit_cost', (r) => `${r.pl_run_created_ts.slice(0, 10)} ${teamOf(r)}`)]
    .map(([k, credits]) => ({ date: k.split(' ')[0], team: k.split(' ')[1], credits }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.team.localeCompare(b.team));
}
