import type { FastifyError, FastifyInstance } from 'fastify';
import { RateLimited } from '../../../errors.js';
import { toWireError } from '../vendor-error.js';

/**
 * Gumloop's error shape `{success: false, error, message}` for every error of the routes in `scope`.
 * Gumloop has no 410 or 422: an expired file is a 404, a request the engine cannot run a 400.
 * @example await app.register(async (scope) => { installGumloopErrors(scope); … });
 */
export function installGumloopErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError, req, reply) => {
    const e = toWireError(err);
    if (e.status >= 500) req.log.error({ err }, 'unhandled error');
    if (err instanceof RateLimited) reply.header('retry-after', String(err.retryAfterSeconds));
    const status = e.status === 410 ? 404 : e.status === 422 ? 400 : e.status;
    return reply.code(status).send({ success: false, error: e.code, message: e.message });
  });
}
