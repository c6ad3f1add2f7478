import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LivenessSchema, ReadinessSchema } from '../../contract/health.js';
import { ping } from '../../db/database.js';
import type { AppContext } from '../context.js';
import { ACCESS } from '../edge/access.js';

/** Liveness (the process answers) and readiness (the database answers). */
export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/healthz', { config: { access: ACCESS.public }, schema: { tags: ['health'], summary: 'Liveness', description: 'Always 200 while the process answers, also while the database is away (the process recovers by itself: do not restart it for a 503 from /readyz).', security: [], response: { 200: LivenessSchema } } }, async () => ({ status: 'ok' as const }));
  r.get(
    '/readyz',
    { config: { access: ACCESS.public }, schema: { tags: ['health'], summary: 'Readiness: the database is reachable', description: '200 when the database answers within 3 s; 503 with Retry-After and the reason (e.g. `ECONNREFUSED: …`) while it does not. Every other API call answers 503 `unavailable` meanwhile, and works again without a restart once the database is back.', security: [], response: { 200: ReadinessSchema, 503: ReadinessSchema } } },
    async (_req, reply) => {
      const result = await ping(ctx.store.db);
      const database = ctx.store.dialect.name;
      if (result.ok) return reply.code(200).send({ status: 'ready', database });
      // Load balancers and operators both read this: say why, and when to look again.
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', database, reason: result.reason });
    },
  );
}
