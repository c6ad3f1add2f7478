import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ACCESS } from './edge/access.js';

/** Where `npm run build:web` puts the console. */
export const CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const API_PATH = /^\/(v1|v4|api|export|docs|openapi\.json|healthz|readyz)(\/|$)/;

/**
 * Serves the built console at `/` and owns the 404 handler: API paths get JSON 404s; any other
 * unknown GET from a browser gets index.html so that client-side routes survive a reload.
 */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  const built = existsSync(join(CONSOLE_DIR, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: CONSOLE_DIR, prefix: '/', wildcard: false, index: ['index.html'] });
  } else {
    app.get('/', { config: { access: ACCESS.public }, schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/html').send('<!doctype html><title>Sluice</title><p>The console is not built. Run <code>npm run build:web</code>. The API is at <a href="/docs">/docs</a>.</p>'),
    );
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    if (built && req.method === 'GET' && !API_PATH.test(path) && (req.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.code(404).send({ error: 'not_found', message: `Route ${req.method} ${path} not found` });
  });
}
