import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError } from '../../errors.js';
import { validationIssues } from '../error-handler.js';

/*
 * Compat surfaces answer errors in their vendor's shape, from their own encapsulated error handler.
 * This classifies an error once; each vendor then maps the status and shapes the body.
 */

/** What an error becomes on the wire, before a vendor shapes the body. */
export interface WireError {
  status: number;
  code: string;
  message: string;
}

/**
 * Classifies anything thrown in a handler: AppErrors keep theirs, bad input is 400, the rest a safe 500.
 * @example const { status, message } = toWireError(err);
 */
export function toWireError(err: FastifyError | Error): WireError {
  if (err instanceof AppError) return { status: err.status, code: err.code, message: err.message };
  const fe = err as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe) || fe.validation) {
    const message = validationIssues(fe).map((i) => `${i.path}: ${i.message}`).join('; ');
    return { status: 400, code: 'invalid_request', message: message || fe.message };
  }
  if (err instanceof ZodError) {
    return { status: 400, code: 'invalid_request', message: err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') };
  }
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) return { status, code: (fe.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase(), message: fe.message };
  return { status: 500, code: 'internal', message: 'An internal error occurred' };
}
