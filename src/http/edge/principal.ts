import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.js';
import { Unauthorized } from '../../errors.js';

/**
 * The caller the edge authenticated for this request. Only routes whose access is not `none` have one;
 * asking on another route is a programming error, answered as 401 rather than trusted.
 * @example const p = callerOf(req);
 */
export function callerOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Unauthorized();
  return req.principal;
}

/** Request origin for the audit log. */
export function originOf(req: FastifyRequest) {
  return { ip: req.ip, userAgent: req.headers['user-agent'] ?? null };
}

/** The origin the caller reached us at (X-Forwarded-* honoured only with SLUICE_TRUST_PROXY). */
export function baseUrlOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}
