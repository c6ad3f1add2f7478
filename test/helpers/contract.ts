import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';

/** A response that broke the contract: which route, which status, and what was wrong. */
export interface ContractViolation {
  route: string;
  status: number;
  problem: string;
}

/** What the check found: violations, and the native routes that answered successfully (`GET /v1/org`). */
export interface ContractCheck {
  readonly violations: ContractViolation[];
  readonly seen: Set<string>;
}

/** Error shapes that are not the native API's: vendor surfaces answer in their own vocabulary. */
const isNative = (req: FastifyRequest) => (req.routeOptions.config?.surface ?? 'native') === 'native' && !!req.routeOptions.config?.access;

/**
 * Records every native JSON answer whose body does not match the zod schema its route declares for
 * that status, and every 2xx JSON answer of a route that declares none. It reads the bytes on the wire
 * (after serialization), so a route that bypasses the serializer (a pre-serialized string, a raw
 * stream) is checked too. Vendor surfaces and non-JSON answers (files) are left out.
 * @example const check = installContractCheck(app); … expect(check.violations).toEqual([]);
 */
export function installContractCheck(app: FastifyInstance): ContractCheck {
  const check: ContractCheck = { violations: [], seen: new Set() };
  const { violations } = check;
  app.addHook('onSend', async (req, reply, payload) => {
    if (!isNative(req) || req.routeOptions.schema?.hide) return payload;
    const status = reply.statusCode;
    const route = `${req.method} ${req.routeOptions.url}`;
    if (status < 400) check.seen.add(route);
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('application/json') || typeof payload !== 'string') return payload;
    const schema = (req.routeOptions.schema?.response as Record<string, unknown> | undefined)?.[status];
    if (!(schema instanceof z.ZodType)) {
      if (status >= 200 && status < 300) violations.push({ route, status, problem: 'no response schema declared for this status' });
      return payload;
    }
    const parsed = schema.safeParse(JSON.parse(payload));
    if (!parsed.success) violations.push({ route, status, problem: z.prettifyError(parsed.error) });
    return payload;
  });
  return check;
}
