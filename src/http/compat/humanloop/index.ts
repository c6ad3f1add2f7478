import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ExportRequestSchema } from '../../../contract/exports.js';
import { llmLogsProjectExists, pageLlmLogs } from '../../../datasets/llm-logs-page.js';
import { NotFound } from '../../../errors.js';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../edge/principal.js';
import { ExportParams, ExportQuery, ExportResponse, HttpError, ValidationError } from './schemas.js';

/** The native request a Humanloop page stands for: every LLM log of the org, in organization scope. */
const LLM_LOGS_REQUEST = ExportRequestSchema.parse({ dataset: 'llm_logs', scope: 'organization' });

/**
 * Humanloop v4 `POST /v4/projects/{id}/export?page&size` with `X-API-KEY`: one page of the project's LLM
 * logs, newest first, read synchronously from the `llm_logs` dataset (no export job; counted against
 * the export rate limit). Project logs are organization data, so the key must be an admin's, as for an
 * organization-scope `llm_logs` export through the native API.
 * @example await humanloopRoutes(app, ctx);
 */
export async function humanloopRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scoped) => {
    // Records are built by the dataset adapter; validating 1,000 of them again per response buys nothing.
    scoped.setSerializerCompiler(() => (data) => JSON.stringify(data));
    const r = scoped.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/v4/projects/:id/export',
      {
        config: { access: { via: 'key', scopes: ['export'], admin: true, rateLimit: 'exports' }, surface: 'humanloop' },
        schema: {
          tags: ['humanloop'],
          summary: 'Humanloop v4: export the logs of a project, one page at a time',
          description:
            'Export all logged datapoints associated to your project. Results are paginated and sorted by created_at in descending order ' +
            '(ties by id, descending). Paging from 0 until an empty page yields every log exactly once. Requires an organization admin’s API key.',
          security: [{ apiKey: [] }],
          params: ExportParams,
          querystring: ExportQuery,
          response: { 200: ExportResponse, 401: HttpError, 403: HttpError, 404: HttpError, 422: ValidationError, 429: HttpError },
        },
      },
      async (req) => {
        const p = callerOf(req);
        const { id } = req.params;
        const { page, size } = req.query;
        // The page is read through the same plan as an llm_logs export: the org's privacy context included.
        const plan = await ctx.exports.plan(p, { ...LLM_LOGS_REQUEST, entity_ids: [id] }, { skipEstimate: true });
        const { records, total } = await pageLlmLogs(ctx.store, { ...plan.query, projectId: id, page, size });
        if (total === 0 && !(await llmLogsProjectExists(ctx.store, p.orgId, id))) throw new NotFound(`Project ${id}`);
        return { records, page, size, total };
      },
    );
  });
}
