import type { FastifyInstance } from 'fastify';
import { Unprocessable } from '../errors.js';
import { findUnstorable } from '../text/storable.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who refuses unstorable text in the body: this hook (default), or the route itself because it
     * reports problems in its own shape (ingest names `{index, field}` per row).
     */
    bodyText?: 'edge' | 'route';
  }
}

/**
 * Refuses, before validation and before any query, a request whose path parameters, query string,
 * headers or body hold text no database can store as given (NUL, unpaired surrogates): 422 naming the
 * field, e.g. `path.id` or `body.email`, the same on SQLite and PostgreSQL.
 * @example installStorableInput(app); // before the routes are registered
 */
export function installStorableInput(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const parts: [string, unknown][] = [
      ['path', req.params],
      ['query', req.query],
      ['header', req.headers],
    ];
    if (req.routeOptions.config?.bodyText !== 'route') parts.push(['body', req.body]);
    for (const [part, value] of parts) {
      const found = findUnstorable(value);
      if (!found) continue;
      const field = [part, ...found.path].join('.');
      throw new Unprocessable(`${field} ${found.reason}`, { field });
    }
  });
}
