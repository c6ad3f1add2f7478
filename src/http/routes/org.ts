import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../auth/audit.js';
import { getOrg, updateOrg, type Org } from '../../auth/accounts.js';
import { ACCESS } from '../edge/access.js';
import { callerOf, originOf } from '../edge/principal.js';
import type { AppContext } from '../context.js';

const OrgSchema = z.object({
  id: z.string(),
  name: z.string(),
  user_level_data: z.boolean().describe('When false, names and emails are left out of every export (or replaced by stable pseudonyms)'),
  retention_days: z.number().int().describe('Days an export file is kept before it expires'),
  notify_email: z.string().nullable().describe('Where completion emails go when an export names no address'),
});

const toBody = (org: Org, defaultRetention: number) => ({
  id: org.id,
  name: org.name,
  user_level_data: org.userLevelData,
  retention_days: org.retentionDays ?? defaultRetention,
  notify_email: org.notifyEmail,
});

/** Org settings: readable by every member, writable by admins. */
export async function orgRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/v1/org', { config: { access: ACCESS.signedIn }, schema: { tags: ['org'], summary: "The caller's organization and its settings", response: { 200: OrgSchema } } }, async (req) => {
    const p = callerOf(req);
    return toBody(await getOrg(ctx.store, p.orgId), ctx.config.retentionDays);
  });
  r.patch(
    '/v1/org',
    {
      config: { access: ACCESS.admin },
      schema: {
        tags: ['org'],
        summary: 'Change org settings (admins)',
        body: z
          .object({
            user_level_data: z.boolean().optional(),
            retention_days: z.number().int().min(1).max(365).optional(),
            notify_email: z.email().nullable().optional(),
          })
          .strict(),
        response: { 200: OrgSchema },
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
      return toBody(org, ctx.config.retentionDays);
    },
  );
}
