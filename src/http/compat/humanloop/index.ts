import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getOrg } from '../../../auth/accounts.js';
import { requireAdmin, requireScope } from '../../../auth/principal.js';
import { llmLogsProjectExists, pageLlmLogs } from '../../../datasets/llm-logs-page.js';
import { NotFound, Unauthorized } from '../../../errors.js';
import { pseudonymKey } from '../../../exports/query.js';
import { presentedKey, requirePrincipal } from '../../authenticate.js';
import type { AppContext } from '../../context.js';
import { limitExports } from '../../rate-limit.js';
import { installFastApiErrors } from './errors.js';
import { ExportParams, ExportQuery, ExportResponse, HttpError, ValidationError } from './schemas.js';

/**
 * Humanloop v4 `POST /v4/projects/{id}/export?page&size` with `X-API-KEY`: one page of the project's LLM
 * logs, newest first, read synchronously from the `llm_logs` dataset (no export job; counted against
 * the export rate limit). Project logs are organization data, so the key must be an admin's, as for an
 * organization-scope `llm_logs` export through the native API.
 * @example await humanloopRoutes(app, ctx);
 */
export async function humanloopRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scoped) => {
    installFastApiErrors(scoped);
    // Records are built by the dataset adapter; validating 1,000 of them again per response buys nothing.
    scoped.setSerializerCompiler(() => (data) => JSON.stringify(data));
    const r = scoped.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/v4/projects/:id/export',
      {
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
      async (req, reply) => {
        if (!presentedKey(req)) throw new Unauthorized('Not authenticated: send your API key in the X-API-KEY header');
        const p = await requirePrincipal(ctx.store, req);
        limitExports(ctx, p, reply);
        requireScope(p, 'export');
        requireAdmin(p);
        const { id } = req.params;
        const { page, size } = req.query;
        const org = await getOrg(ctx.store, p.orgId);
        const { records, total } = await pageLlmLogs(ctx.store, {
          orgId: p.orgId,
          projectId: id,
          page,
          size,
          userLevelData: org.userLevelData,
          pseudonymKey: pseudonymKey(ctx.config.secret, p.orgId),
        });
        if (total === 0 && !(await llmLogsProjectExists(ctx.store, p.orgId, id))) throw new NotFound(`Project ${id}`);
        return { records, page, size, total };
      },
    );
  });
}
