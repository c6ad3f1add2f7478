import type { FastifyError } from 'fastify';
import type { ErrorShape } from '../../edge/errors.js';

/*
 * Humanloop's API is FastAPI: errors are `{detail: "…"}`, and request validation answers 422 with
 * `{detail: [{loc, msg, type}]}` (pydantic's messages and type codes) rather than Sluice's 400.
 */

interface ValidationEntry {
  loc: (string | number)[];
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

const LOCATIONS: Record<string, string> = { querystring: 'query', params: 'path', headers: 'header', body: 'body' };

/** One validation issue (zod via fastify-type-provider-zod, or ajv) as a FastAPI detail entry. */
function detailEntry(context: string, v: NonNullable<FastifyError['validation']>[number]): ValidationEntry {
  const loc = [LOCATIONS[context] ?? context, ...String(v.instancePath ?? '').split('/').filter(Boolean)];
  const p = (v.params ?? {}) as { minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; expected?: string };
  switch (v.keyword) {
    case 'invalid_type':
      if (p.expected === 'number' || p.expected === 'int') return { loc, msg: 'value is not a valid integer', type: 'type_error.integer' };
      return { loc, msg: v.message ?? 'field required', type: p.expected === 'undefined' ? 'value_error.missing' : 'type_error' };
    case 'too_small': {
      const limit = Number(p.minimum);
      return p.inclusive === false
        ? { loc, msg: `ensure this value is greater than ${limit}`, type: 'value_error.number.not_gt', ctx: { limit_value: limit } }
        : { loc, msg: `ensure this value is greater than or equal to ${limit}`, type: 'value_error.number.not_ge', ctx: { limit_value: limit } };
    }
    case 'too_big': {
      const limit = Number(p.maximum);
      return p.inclusive === false
        ? { loc, msg: `ensure this value is less than ${limit}`, type: 'value_error.number.not_lt', ctx: { limit_value: limit } }
        : { loc, msg: `ensure this value is less than or equal to ${limit}`, type: 'value_error.number.not_le', ctx: { limit_value: limit } };
    }
    default:
      return { loc, msg: v.message ?? 'invalid value', type: 'value_error' };
  }
}

/** The FastAPI `detail` list of a Fastify validation error. */
export function validationDetail(err: FastifyError): ValidationEntry[] {
  const context = (err as { validationContext?: string }).validationContext ?? 'body';
  return (err.validation ?? []).map((v) => detailEntry(context, v));
}

/**
 * FastAPI's error shapes: request validation answers 422 with pydantic-style `detail` entries, every
 * other error `{detail}` with its status, and a 500 reveals nothing.
 */
export const humanloopErrors: ErrorShape = {
  status: (e) => (e.issues ? 422 : e.status),
  body: (e, raw) => (e.issues && raw.validation ? { detail: validationDetail(raw) } : { detail: e.status >= 500 && e.code === 'internal' ? 'Internal Server Error' : e.message }),
};
