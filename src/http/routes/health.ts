import type { FastifyInstance } from 'fastify';
import { ping } from '../../db/database.js';
import type { AppContext } from '../context.js';
import { ACCESS } from '../edge/access.js';

/** Liveness (the process answers) and readiness (the database answers). */
export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/healthz', { config: { access: ACCESS.public }, schema: { tags: ['health'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: ACCESS.public }, schema: { tags: ['health'], summary: 'Readiness: the database is reachable' } }, async (_req, reply) => {
    const r = await ping(ctx.store.db);
    const database = ctx.store.dialect.name;
    if (r.ok) return reply.code(200).send({ status: 'ready', database });
    // Load balancers and operators both read this: say why, and when to look again.
    return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', database, reason: r.reason });
  });
}
