import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { openStore, type Store } from './db/database.js';
import { buildApp } from './http/app.js';
import type { AppContext } from './http/context.js';

/** A running Sluice process: HTTP server and (optionally) the embedded worker. */
export interface Running {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  readonly url: string;
  stop(): Promise<void>;
}

/** Builds the shared context: the store (migrated) and the services built on it. */
export async function createContext(config: Config, logger: Logger, store?: Store): Promise<AppContext> {
  return { config, logger, store: store ?? (await openStore(config.database)) };
}

/**
 * Starts `sluice serve`: migrates, listens, and stops gracefully (in-flight requests finish) on stop().
 * @example const s = await startServer(config, logger); process.on('SIGTERM', () => s.stop());
 */
export async function startServer(config: Config, logger: Logger, opts: { worker?: boolean; store?: Store } = {}): Promise<Running> {
  const ctx = await createContext(config, logger, opts.store);
  const app = await buildApp(ctx);
  await app.listen({ port: config.port, host: config.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://localhost:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    app,
    ctx,
    url,
    stop() {
      stopping ??= (async () => {
        await app.close();
        if (!opts.store) await ctx.store.close();
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
