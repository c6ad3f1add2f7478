import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, RateLimited } from '../errors.js';

/** Turns a zod/Fastify validation error into `field: message` lines. */
export function validationIssues(err: FastifyError): { path: string; message: string }[] {
  const context = (err as { validationContext?: string }).validationContext ?? 'body';
  return (err.validation ?? []).map((v) => {
    const path = [context, ...String(v.instancePath ?? '').split('/').filter(Boolean)].join('.');
    return { path, message: v.message ?? 'is invalid' };
  });
}

/**
 * Maps every error to a JSON response in one place: typed AppErrors keep their status and message,
 * client errors from Fastify keep theirs, anything else is a 500 with a message safe to show.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) {
      if (err instanceof RateLimited) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.code(err.status).send({ error: err.code, message: err.message, ...err.details });
    }
    if (hasZodFastifySchemaValidationErrors(err) || err.validation) {
      const issues = validationIssues(err);
      const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      return reply.code(400).send({ error: 'invalid_request', message: message || err.message, issues });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: (err.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase(), message: err.message });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'An internal error occurred' });
  });

}
