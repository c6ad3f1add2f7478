import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { audit } from '../../../auth/audit.js';
import { buildAccountDocument } from '../../../datasets/account.js';
import type { AppContext } from '../../context.js';
import { callerOf, originOf } from '../../edge/principal.js';
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
    const r = scoped.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/api/export',
      {
        // A session, not an API key: an API key sent alongside is ignored, and one alone is a 401.
        config: { access: { via: 'session', rateLimit: 'exports' }, surface: 'agentbot' },
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
        const p = callerOf(req);
        const now = new Date();
        const doc = await buildAccountDocument(ctx.store, p.orgId, p.userId, now);
        await audit(ctx.store, p, 'account.exported', { type: 'user', id: p.userId }, originOf(req), {
          source: 'agentbot',
          agents: doc.agents.length,
          scheduled_tasks: doc.scheduledTasks.length,
          workflows: doc.workflows.length,
        });
        reply.type('application/json').header('content-disposition', `attachment; filename="${exportFilename(p.userId, now)}"`);
        return doc;
      },
    );
  });
}
