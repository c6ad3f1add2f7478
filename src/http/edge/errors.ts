import type { FastifyError, FastifyInstance } from 'fastify';
import type { Surface } from './access.js';
import { classifyError, type WireError } from './classify.js';

/** How one surface answers errors: its status map (where its vendor differs) and its body shape. */
export interface ErrorShape {
  /** The status this surface answers for a classified error; default the registry's. */
  status?(e: WireError): number;
  /** The JSON body. `raw` is what was thrown, for shapes that re-describe validation errors. */
  body(e: WireError, raw: FastifyError): unknown;
}

/** Sluice's own shape: `{error: <code>, message, ...details}` (plus `issues` for bad input). */
export const nativeErrors: ErrorShape = {
  body: (e) => ({ error: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}), ...e.details }),
};

/**
 * Installs the one error handler: classifies what was thrown, sets Retry-After, never lets an error be
 * cached or saved as a file, logs the unexpected, and answers in the shape of the route's surface.
 * @example installErrorHandler(app, { gumloop: gumloopErrors, … });
 */
export function installErrorHandler(app: FastifyInstance, shapes: Partial<Record<Surface, ErrorShape>>): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const e = classifyError(err);
    if (e.status >= 500) req.log.error({ err }, 'request failed');
    const shape = shapes[req.routeOptions?.config?.surface ?? 'native'] ?? nativeErrors;
    if (e.retryAfterSeconds !== undefined) reply.header('retry-after', String(e.retryAfterSeconds));
    reply.removeHeader('content-disposition');
    reply.header('cache-control', 'no-store');
    return reply.code(shape.status?.(e) ?? e.status).send(shape.body(e, err));
  });
}
