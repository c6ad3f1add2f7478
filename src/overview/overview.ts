import type { Principal } from '../auth/principal.js';
import type { ExportRequest } from '../contract/exports.js';
import type { Overview, OverviewQuery, OverviewTopItem } from '../contract/overview.js';
import { localDate } from '../datasets/time.js';
import type { Row } from '../datasets/types.js';
import type { Store } from '../db/database.js';
import { Invalid } from '../errors.js';
import type { ResolvedPlan } from '../exports/plan.js';

/*
 * The console's first page, summed from the very rows an export of the same period would write: each
 * number is planned like an export (same dataset, range, scope, privacy) and read from the dataset's own
 * batches, so "credits per day by team" equals summing credit_cost of a workflow_runs CSV of the period.
 * The rows are streamed and folded into small maps (one entry per day × team, workflow, agent, user).
 */

/** What the overview needs of the export engine: its front door, for a plan per dataset. */
export interface OverviewDeps {
  readonly store: Store;
  plan(p: Principal, req: ExportRequest): Promise<ResolvedPlan>;
}

/** Most days one overview covers. */
export const MAX_DAYS = 366;

/** Series keys for rows that are not one team. */
const PERSONAL = 'personal';
const UNKNOWN = 'unknown';

/** Sums of floats in a different order differ past the 12th digit; micro-credits agree everywhere. */
const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/** A running total per key, with the name to show for it. */
class Tally {
  private readonly sums = new Map<string, { id: string | null; name: string; value: number }>();

  add(key: string, id: string | null, name: string, value: number): void {
    const entry = this.sums.get(key);
    if (entry) entry.value += value;
    else this.sums.set(key, { id, name, value });
  }

  /** The `limit` largest, ties by name, zero totals left out. */
  top(limit: number): OverviewTopItem[] {
    return [...this.sums.values()]
      .map((e) => ({ ...e, value: round(e.value) }))
      .filter((e) => e.value !== 0)
      .sort((a, b) => b.value - a.value || a.name.localeCompare(b.name))
      .slice(0, limit);
  }
}

/** Credits per day and team (each personal space counted as one "Personal spaces" team). */
class TeamDays {
  private readonly byDay = new Map<string, number>();
  private readonly teams = new Tally();

  constructor(
    private readonly timezone: string,
    /** What a row without a workspace lacks, e.g. "Workflow": its series is "Workflow not known yet". */
    private readonly missing: string,
  ) {}

  add(r: Row, at: unknown, cost: number): void {
    const ws = text(r.workspace_id);
    const team = ws === null ? UNKNOWN : r.workspace_kind === 'personal' ? PERSONAL : ws;
    const name = team === UNKNOWN ? `${this.missing} not known yet` : team === PERSONAL ? 'Personal spaces' : (text(r.workspace_name) ?? team);
    const key = `${localDate(Number(at), this.timezone)}\u0000${team}`;
    this.byDay.set(key, (this.byDay.get(key) ?? 0) + cost);
    this.teams.add(team, team, name, cost);
  }

  result(): Overview['credits']['workflow_runs'] {
    return {
      teams: this.teams.top(Number.MAX_SAFE_INTEGER).map((t) => ({ key: t.id!, name: t.name, credits: t.value })),
      by_day: [...this.byDay]
        .map(([key, value]) => {
          const [date, team] = key.split('\u0000');
          return { date, team, credits: round(value) };
        })
        .filter((d) => d.credits !== 0)
        .sort((a, b) => a.date.localeCompare(b.date) || a.team.localeCompare(b.team)),
    };
  }
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const text = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

async function* rowsOf(store: Store, plan: ResolvedPlan): AsyncIterable<Row> {
  for await (const batch of plan.dataset.batches(store, plan.query)) yield* batch;
}

/** Every `YYYY-MM-DD` from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * The overview of a period for an org admin: credits per day by team, the top workflows, agents, users
 * and models, and the totals. A bad period is refused with a 4xx naming the field (here, or by the plans).
 * @example await overview(deps, principal, { from: '2025-03-01', to: '2025-03-31', timezone: 'UTC', limit: 5 })
 */
export async function overview(deps: OverviewDeps, p: Principal, q: OverviewQuery): Promise<Overview> {
  const dayCount = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 + 1;
  // One chart bar per day: a longer period would draw thousands of bars (export it instead).
  if (dayCount > MAX_DAYS) throw new Invalid(`The overview covers at most ${MAX_DAYS} days; this period has ${dayCount}`, { field: 'to' });
  const request = (dataset: string, fields: string[]): ExportRequest => ({
    dataset,
    scope: 'organization',
    format: 'csv',
    compression: 'none',
    fields,
    from: q.from,
    to: q.to,
    timezone: q.timezone,
    csv_bom: false,
    neutralize_formulas: true,
  });
  const runs = await deps.plan(p, request('workflow_runs', ['pl_run_created_ts', 'workspace_id', 'workspace_name', 'workspace_kind', 'workbook_id', 'workbook_name', 'user_id', 'user_email', 'user_name', 'credit_cost']));
  const interactions = await deps.plan(
    p,
    request('agent_interactions', ['created_ts', 'workspace_id', 'workspace_name', 'workspace_kind', 'agent_id', 'agent_name', 'user_id', 'user_email', 'user_name', 'credit_cost', 'message_count']),
  );
  const users = await deps.plan(p, request('users_usage', ['user_id', 'name', 'email', 'messages_total']));
  const models = await deps.plan(p, request('models_usage', ['name', 'provider', 'requests', 'total_cost_usd']));

  const runDays = new TeamDays(q.timezone, 'Workflow');
  const workflowCredits = new Tally();
  const workflowRuns = new Tally();
  const userCredits = new Tally();
  const who = (r: Row) => text(r.user_name) ?? text(r.user_email) ?? text(r.user_id) ?? 'Unknown user';
  let runCredits = 0;
  let runCount = 0;
  for await (const r of rowsOf(deps.store, runs)) {
    const cost = num(r.credit_cost);
    runDays.add(r, r.pl_run_created_ts, cost);
    const wf = text(r.workbook_id);
    workflowCredits.add(wf ?? '', wf, text(r.workbook_name) ?? wf ?? 'Unknown workflow', cost);
    workflowRuns.add(wf ?? '', wf, text(r.workbook_name) ?? wf ?? 'Unknown workflow', 1);
    userCredits.add(text(r.user_id) ?? '', text(r.user_id), who(r), cost);
    runCredits += cost;
    runCount++;
  }

  const agentDays = new TeamDays(q.timezone, 'Agent');
  const agentCredits = new Tally();
  const agentMessages = new Tally();
  let agentTotal = 0;
  let interactionCount = 0;
  for await (const r of rowsOf(deps.store, interactions)) {
    const id = text(r.agent_id);
    const name = text(r.agent_name) ?? id ?? 'Unknown agent';
    agentDays.add(r, r.created_ts, num(r.credit_cost));
    agentCredits.add(id ?? '', id, name, num(r.credit_cost));
    agentMessages.add(id ?? '', id, name, num(r.message_count));
    userCredits.add(text(r.user_id) ?? '', text(r.user_id), who(r), num(r.credit_cost));
    agentTotal += num(r.credit_cost);
    interactionCount++;
  }

  const userMessages = new Tally();
  let messages = 0;
  for await (const r of rowsOf(deps.store, users)) {
    const id = text(r.user_id);
    userMessages.add(id ?? '', id, text(r.name) ?? text(r.email) ?? id ?? 'Unknown user', num(r.messages_total));
    messages += num(r.messages_total);
  }

  const modelCost = new Tally();
  const modelMessages = new Tally();
  for await (const r of rowsOf(deps.store, models)) {
    // One row per model, provider and BYOK state: the lists show the model across them.
    const name = text(r.name) ?? 'Unknown model';
    modelCost.add(name, name, name, num(r.total_cost_usd));
    modelMessages.add(name, name, name, num(r.requests));
  }

  const top = (dataset: string, measure: string, tally: Tally, sources = [dataset]) => ({ dataset, sources, measure, items: tally.top(q.limit) });
  return {
    from: runs.params.from,
    to: runs.params.to,
    timezone: q.timezone,
    days: daysBetween(q.from, q.to),
    credits: { workflow_runs: runDays.result(), agent_interactions: agentDays.result() },
    totals: { workflow_credits: round(runCredits), agent_credits: round(agentTotal), runs: runCount, interactions: interactionCount, messages },
    top: {
      workflows_by_credits: top('workflow_runs', 'credit_cost', workflowCredits),
      workflows_by_runs: top('workflow_runs', 'rows', workflowRuns),
      agents_by_credits: top('agent_interactions', 'credit_cost', agentCredits),
      agents_by_messages: top('agent_interactions', 'message_count', agentMessages),
      // Credits of runs and of agent interactions together: no one dataset holds both (credit_logs is ingested on its own).
      users_by_credits: top('workflow_runs', 'credit_cost', userCredits, ['workflow_runs', 'agent_interactions']),
      users_by_messages: top('users_usage', 'messages_total', userMessages),
      models_by_cost: top('models_usage', 'total_cost_usd', modelCost),
      models_by_messages: top('models_usage', 'requests', modelMessages),
    },
  };
}
