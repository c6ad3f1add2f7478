import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:web` puts the console. */
export const CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/**
 * Serves the built console at `/`. API paths keep their JSON 404s; any other unknown GET gets
 * index.html so that client-side routes survive a reload.
 */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  if (!existsSync(join(CONSOLE_DIR, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/html').send('<!doctype html><title>Sluice</title><p>The console is not built. Run <code>npm run build:web</code>. The API is at <a href="/docs">/docs</a>.</p>'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: CONSOLE_DIR, prefix: '/', wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const isApi = /^\/(v1|v4|api|export|docs|openapi\.json|healthz|readyz)(\/|$)/.test(path);
    if (req.method === 'GET' && !isApi && (req.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.code(404).send({ error: 'not_found', message: `Route ${req.method} ${path} not found` });
  });
}
