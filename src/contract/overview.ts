import { z } from 'zod';

/** Query of `GET /v1/overview`: a period of whole days in a zone, as an export's date-only range. */
export const OverviewQuerySchema = z
  .object({
    from: z.iso.date().describe('First day, YYYY-MM-DD (whole day in `timezone`)'),
    to: z.iso.date().describe('Last day, inclusive, YYYY-MM-DD'),
    timezone: z.string().min(1).default('UTC').describe('IANA timezone the days are counted in'),
    limit: z.coerce.number().int().min(1).max(25).default(5).describe('Entries in each top list'),
  })
  .strict();
export type OverviewQuery = z.output<typeof OverviewQuerySchema>;

/** One series of a credits chart: a team, all personal spaces together, or rows whose workflow or agent is not known yet. */
export const OverviewTeamSchema = z.object({
  key: z.string().describe('Workspace id; `personal` for every personal space; `unknown` for rows whose workflow or agent has not arrived'),
  name: z.string(),
  credits: z.number().describe('Credits of the period'),
});

/** Credits of one team on one day (only days and teams with credits appear). */
export const OverviewDayCreditsSchema = z.object({
  date: z.iso.date(),
  team: z.string().describe('The `key` of a team of `teams`'),
  credits: z.number(),
});

/** A dataset's credits per day by team: `credit_cost` summed per day (of its time field, in `timezone`) and workspace. */
export const OverviewCreditsSchema = z.object({
  teams: z.array(OverviewTeamSchema).describe('Series of the chart, most credits first'),
  by_day: z.array(OverviewDayCreditsSchema),
});

/** One entry of a top list. `id` is what the wizard's "only these" filter takes (null when there is none). */
export const OverviewTopItemSchema = z.object({
  id: z.string().nullable(),
  name: z.string(),
  value: z.number(),
});
export type OverviewTopItem = z.output<typeof OverviewTopItemSchema>;

/** A ranked list and the dataset it was counted from (what "Export this" opens). */
export const OverviewTopSchema = z.object({
  dataset: z.string().describe('The dataset whose rows were summed (the first of `sources` when there are several)'),
  sources: z
    .array(z.string())
    .min(1)
    .describe('Every dataset whose rows were summed: an export of each, summed together, gives the numbers (users by credits: workflow_runs and agent_interactions)'),
  measure: z.string().describe('The field summed (or `rows` for a count of rows)'),
  items: z.array(OverviewTopItemSchema),
});

/** `GET /v1/overview`: what the console's first page shows, summed from the same dataset rows an export writes. */
export const OverviewSchema = z.object({
  from: z.iso.datetime().describe('First instant covered (inclusive)'),
  to: z.iso.datetime().describe('Last instant covered (inclusive)'),
  timezone: z.string(),
  days: z.array(z.iso.date()).describe('Every day of the period, in order'),
  credits: z.object({
    workflow_runs: OverviewCreditsSchema.describe('Per day of pl_run_created_ts and the workflow’s workspace'),
    agent_interactions: OverviewCreditsSchema.describe('Per day of created_ts and the agent’s workspace'),
  }),
  totals: z.object({
    workflow_credits: z.number().describe('Credits of the workflow runs of the period (the chart)'),
    agent_credits: z.number().describe('Credits of the agent interactions of the period'),
    runs: z.number().int(),
    interactions: z.number().int(),
    messages: z.number().int().describe('Messages of users_usage'),
  }),
  top: z.object({
    workflows_by_credits: OverviewTopSchema,
    workflows_by_runs: OverviewTopSchema,
    agents_by_credits: OverviewTopSchema,
    agents_by_messages: OverviewTopSchema,
    users_by_credits: OverviewTopSchema,
    users_by_messages: OverviewTopSchema,
    models_by_cost: OverviewTopSchema,
    models_by_messages: OverviewTopSchema,
  }),
});
export type Overview = z.output<typeof OverviewSchema>;
export type OverviewTopName = keyof Overview['top'];
