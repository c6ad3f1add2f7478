import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listAudit } from '../../auth/audit.js';
import { AuditListSchema, AuditQuerySchema } from '../../contract/audit.js';
import { STANDARD_ERRORS } from '../../contract/errors.js';
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
        querystring: AuditQuerySchema,
        response: { 200: AuditListSchema, ...STANDARD_ERRORS },
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
