import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { audit } from '../../../auth/audit.js';
import type { Principal } from '../../../auth/principal.js';
import { SESSION_COOKIE, authenticateSession } from '../../../auth/sessions.js';
import { buildAccountDocument, type AccountDocument } from '../../../datasets/account.js';
import { Unauthorized } from '../../../errors.js';
import { originOf } from '../../authenticate.js';
import type { AppContext } from '../../context.js';
import { limitExports } from '../../rate-limit.js';
import { ExportFailed, installAgentbotErrors } from './errors.js';
import { AccountExport, AgentbotError } from './schemas.js';

/** `sluice-export-<first 8 chars of the user id>-<YYYY-MM-DD>.json`, safe inside a quoted header value. */
export function exportFilename(userId: string, now: Date): string {
  const id = userId.slice(0, 8).replace(/[^A-Za-z0-9_.-]/g, '_');
  return `sluice-export-${id}-${now.toISOString().slice(0, 10)}.json`;
}

/**
 * Agentbot `GET /api/export`: the caller's own account data (profile, agents, scheduled tasks,
 * workflows) as a JSON attachment, from the `account` dataset. Session only — an API key is not a
 * session. The org's user-level-data setting does not apply: it is the caller's own data.
 * @example await agentbotRoutes(app, ctx);
 */
export async function agentbotRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scoped) => {
    installAgentbotErrors(scoped);
    const r = scoped.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/api/export',
      {
        schema: {
          tags: ['agentbot'],
          summary: 'Agentbot: download your account data (profile, agents, scheduled tasks, workflows) as JSON',
          description:
            'Requires session authentication (the console session cookie). Answers a JSON attachment named ' +
            '`sluice-export-<first 8 chars of your user id>-<YYYY-MM-DD>.json`, never cached. Each download is recorded in the audit log.',
          security: [{ session: [] }],
          response: { 200: AccountExport, 401: AgentbotError, 429: AgentbotError, 500: AgentbotError },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        const p = await sessionOf(ctx, req);
        limitExports(ctx, p, reply);
        const now = new Date();
        let doc: AccountDocument;
        try {
          doc = await buildAccountDocument(ctx.store, p.orgId, p.userId, now);
          await audit(ctx.store, p, 'account.exported', { type: 'user', id: p.userId }, originOf(req), {
            source: 'agentbot',
            agents: doc.agents.length,
            scheduled_tasks: doc.scheduledTasks.length,
            workflows: doc.workflows.length,
          });
        } catch (err) {
          throw new ExportFailed(err);
        }
        reply.type('application/json').header('content-disposition', `attachment; filename="${exportFilename(p.userId, now)}"`);
        return doc;
      },
    );
  });
}

/** The session cookie's principal; any API key sent alongside is ignored, and one alone is a 401. */
async function sessionOf(ctx: AppContext, req: FastifyRequest): Promise<Principal> {
  const token = req.cookies?.[SESSION_COOKIE];
  const p = token ? await authenticateSession(ctx.store, token) : null;
  if (!p) throw new Unauthorized('No valid session: log in to the console first');
  return p;
}
