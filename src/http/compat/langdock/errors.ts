import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, RateLimited } from '../../../errors.js';
import { toWireError } from '../vendor-error.js';

/** 404 when the period holds no usage: Langdock's "No data found". */
export class NoData extends AppError {
  constructor() {
    super(404, 'no_data', 'No usage data found for the selected period');
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/**
 * Langdock's error shape `{error, message}` for every error of the routes in `scope`. Langdock answers
 * bad input of any kind with 400 (Sluice's 409/410/422 included).
 * @example await app.register(async (scope) => { installLangdockErrors(scope); … });
 */
export function installLangdockErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError, req, reply) => {
    const e = toWireError(err);
    if (e.status >= 500) req.log.error({ err }, 'unhandled error');
    if (err instanceof RateLimited) reply.header('retry-after', String(err.retryAfterSeconds));
    const status = [409, 410, 422].includes(e.status) ? 400 : e.status;
    const title = e.code === 'no_data' ? 'No data found' : (TITLES[status] ?? (status >= 500 ? TITLES[500] : TITLES[400]));
    return reply.code(status).send({ error: title, message: e.message });
  });
}
