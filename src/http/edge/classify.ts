import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { AppError, ERROR_CODES, RateLimited, Unavailable, type ErrorCode } from '../../errors.js';

/** What an error becomes on the wire, before a surface shapes the body. */
export interface WireError {
  readonly status: number;
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  /** Seconds for the Retry-After header (429, 503). */
  readonly retryAfterSeconds?: number;
  /** Request-validation problems, `path: message` (body/query/params/headers). */
  readonly issues?: readonly { path: string; message: string }[];
}

/** Fastify's own client errors, by their code, mapped onto the registry. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_request',
};

/** Turns a zod/ajv validation error into `path: message` lines. */
export function validationIssues(err: FastifyError): { path: string; message: string }[] {
  const context = (err as { validationContext?: string }).validationContext ?? 'body';
  return (err.validation ?? []).map((v) => {
    const path = [context, ...String(v.instancePath ?? '').split('/').filter(Boolean)].join('.');
    return { path, message: v.message ?? 'is invalid' };
  });
}


/**
 * Classifies anything thrown while serving a request, once: AppErrors keep their registered code,
 * request validation is 400 with the issues, Fastify's client errors keep their meaning, a lost database
 * is 503, and everything else is a 500 that reveals nothing.
 * @example const wire = classifyError(err); reply.code(wire.status);
 */
export function classifyError(err: unknown): WireError {
  if (err instanceof AppError) {
    const retry = err instanceof RateLimited || err instanceof Unavailable ? err.retryAfterSeconds : undefined;
    return { status: err.status, code: err.code, message: err.message, details: err.details, retryAfterSeconds: retry };
  }
  const fe = err as FastifyError;
  if (fe && (hasZodFastifySchemaValidationErrors(fe) || fe.validation)) {
    const issues = validationIssues(fe);
    return { status: 400, code: 'invalid_request', message: issues.map((i) => `${i.path}: ${i.message}`).join('; ') || fe.message, issues };
  }
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.') || 'body', message: i.message }));
    return { status: 400, code: 'invalid_request', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues };
  }
  const known = fe?.code ? FASTIFY_CODES[fe.code] : undefined;
  if (known) return { status: ERROR_CODES[known].status, code: known, message: fe.message };
  if (isDatabaseUnavailable(err)) return { status: 503, code: 'unavailable', message: 'The database is unreachable; try again shortly', retryAfterSeconds: 5 };
  const status = fe?.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode = status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
    return { status, code, message: fe.message };
  }
  return { status: 500, code: 'internal', message: 'An internal error occurred' };
}
