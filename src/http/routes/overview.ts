import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import { OverviewQuerySchema, OverviewSchema } from '../../contract/overview.js';
import { overview } from '../../overview/overview.js';
import { ACCESS } from '../edge/access.js';
import { callerOf } from '../edge/principal.js';
import type { AppContext } from '../context.js';

/** The console's overview: a period's credits by day and team and its top lists, for org admins. */
export async function overviewRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/overview',
    {
      config: { access: ACCESS.admin },
      schema: {
        tags: ['overview'],
        summary: 'Credits per day by team, top workflows, agents, users and models of a period (admins)',
        description: [
          'Every number is summed from the rows an organization-scope export of the same period writes:',
          '`credits.workflow_runs` is `credit_cost` of `workflow_runs` per day of `pl_run_created_ts` (in `timezone`) and workspace,',
          '`credits.agent_interactions` the same of `agent_interactions` per day of `created_ts` and the agent’s workspace',
          '(personal spaces together as `personal`, rows whose workflow or agent is not known yet as `unknown`).',
          'Top lists: workflows from `workflow_runs`, agents from `agent_interactions`, users by credits from both,',
          'users by messages from `users_usage`, models from `models_usage`. Privacy follows the org setting, as in exports.',
          'At most 366 days.',
        ].join(' '),
        querystring: OverviewQuerySchema,
        response: { 200: OverviewSchema, ...STANDARD_ERRORS },
      },
    },
    async (req) => overview({ store: ctx.store, plan: (p, body) => ctx.exports.plan(p, body, { skipEstimate: true }) }, callerOf(req), req.query),
  );
}
