import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit } from '../../auth/audit.js';
import { ACCESS } from '../edge/access.js';
import { callerOf } from '../edge/principal.js';
import type { AppContext } from '../context.js';

/** The org's audit trail, for admins. */
export async function auditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/audit',
    {
      config: { access: ACCESS.admin },
      schema: {
        tags: ['audit'],
        summary: 'Audit log: who created, downloaded, cancelled or deleted what, when and from where (admins)',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.iso.datetime({ offset: true }).optional().describe('Page: entries strictly older than this'),
          action: z.string().optional().describe('e.g. export.created, export.downloaded'),
        }),
      },
    },
    async (req) => {
      const p = callerOf(req);
      const data = await listAudit(ctx.store, p.orgId, {
        limit: req.query.limit,
        before: req.query.before ? Date.parse(req.query.before) : undefined,
        action: req.query.action,
      });
      return { data, next_before: data.length === req.query.limit ? data[data.length - 1].created_at : null };
    },
  );
}
