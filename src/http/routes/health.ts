import type { FastifyInstance } from 'fastify';
import { ping } from '../../db/database.js';
import type { AppContext } from '../context.js';
import { ACCESS } from '../edge/access.js';

/** Liveness (the process answers) and readiness (the database answers). */
export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/healthz', { config: { access: ACCESS.public }, schema: { tags: ['health'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: ACCESS.public }, schema: { tags: ['health'], summary: 'Readiness: the database is reachable' } }, async (_req, reply) => {
    const ok = await ping(ctx.store.db);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', database: ctx.store.dialect.name });
  });
}
