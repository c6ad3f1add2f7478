import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { audit } from '../../auth/audit.js';
import { getOrg, orgView, updateOrg } from '../../auth/accounts.js';
import { STANDARD_ERRORS } from '../../contract/errors.js';
import { OrgPatchSchema, OrgSchema } from '../../contract/org.js';
import { ACCESS } from '../edge/access.js';
import { callerOf, originOf } from '../edge/principal.js';
import type { AppContext } from '../context.js';

/** Org settings: readable by every member, writable by admins. */
export async function orgRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/v1/org', { config: { access: ACCESS.signedIn }, schema: { tags: ['org'], summary: "The caller's organization and its settings", response: { 200: OrgSchema, ...STANDARD_ERRORS } } }, async (req) => {
    const p = callerOf(req);
    return orgView(await getOrg(ctx.store, p.orgId), ctx.config.retentionDays);
  });
  r.patch(
    '/v1/org',
    {
      config: { access: ACCESS.admin },
      schema: {
        tags: ['org'],
        summary: 'Change org settings (admins)',
        body: OrgPatchSchema,
        response: { 200: OrgSchema, ...STANDARD_ERRORS },
      },
    },
    async (req) => {
      const p = callerOf(req);
      const org = await updateOrg(ctx.store, p.orgId, {
        userLevelData: req.body.user_level_data,
        retentionDays: req.body.retention_days,
        notifyEmail: req.body.notify_email,
      });
      await audit(ctx.store, p, 'org.updated', { type: 'org', id: p.orgId }, originOf(req), req.body);
      return orgView(org, ctx.config.retentionDays);
    },
  );
}
