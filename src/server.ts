import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Store } from './db/database.js';
import { buildApp } from './http/app.js';
import { createServices, type Services } from './services.js';

/** A running Sluice process: HTTP server and (optionally) the embedded worker. */
export interface Running {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts `sluice serve`: migrates, listens, runs the embedded worker unless told not to, and stops
 * gracefully (in-flight requests finish, running exports are handed back) on stop().
 * @example const s = await startServer(config, logger); process.on('SIGTERM', () => s.stop());
 */
export async function startServer(config: Config, logger: Logger, opts: { worker?: boolean; store?: Store } = {}): Promise<Running> {
  const services = await createServices(config, logger, { worker: opts.worker !== false, store: opts.store });
  const app = await buildApp(services);
  await app.listen({ port: config.port, host: config.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://localhost:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    app,
    services,
    url,
    stop() {
      stopping ??= (async () => {
        await app.close();
        await services.close();
      })();
      return stopping;
    },
  };
}

/** Stops `running` on SIGTERM/SIGINT and exits once everything is closed. */
export function stopOnSignals(running: { stop(): Promise<void> }, logger: Logger): void {
  const handler = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
