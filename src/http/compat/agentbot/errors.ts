import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, RateLimited } from '../../../errors.js';

/* Agentbot answers errors as `{error, message}`: `Unauthorized` for 401, `Export failed` for 500. */

/** 500: building the document failed; `message` is safe to show (an AppError's, or a generic one). */
export class ExportFailed extends AppError {
  constructor(cause: unknown) {
    const message = cause instanceof AppError ? cause.message : 'An internal error occurred while exporting your data';
    super(500, 'export_failed', message, undefined, { cause });
  }
}

/** Installs Agentbot's error shape on an encapsulated plugin. Error responses are never cached or downloaded. */
export function installAgentbotErrors(scoped: FastifyInstance): void {
  scoped.setErrorHandler((err: FastifyError, req, reply) => {
    reply.removeHeader('content-disposition');
    reply.header('cache-control', 'no-store');
    const status = err instanceof AppError ? err.status : (err.statusCode ?? 500);
    if (status >= 400 && status < 500) {
      if (err instanceof RateLimited) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.code(status).send({ error: STATUS_CODES[status] ?? 'Bad Request', message: err.message });
    }
    req.log.error({ err: err instanceof ExportFailed ? err.cause : err }, 'agentbot export failed');
    const message = err instanceof ExportFailed ? err.message : 'An internal error occurred while exporting your data';
    return reply.code(500).send({ error: 'Export failed', message });
  });
}
