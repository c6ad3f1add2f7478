import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { openStore, type Store } from './db/database.js';
import type { Sender } from './drains/sender.js';
import { createDrainService } from './drains/service.js';
import { drainSource } from './drains/source.js';
import { createCompletions } from './exports/completions.js';
import { scheduleSource } from './schedules/runner.js';
import { createScheduleService } from './schedules/service.js';
import { createExportEngine } from './exports/engine.js';
import { startWorker, type Worker } from './exports/worker.js';
import type { AppContext } from './http/context.js';
import { createMailer } from './notify/email.js';
import { createNotifier } from './notify/notifier.js';
import { createOutboundClient } from './outbound/index.js';
import { createBlobStore } from './storage/index.js';

/** The context plus the worker it may run, and how to close both. */
export interface Services extends AppContext {
  worker?: Worker;
  close(): Promise<void>;
}

/**
 * Builds the shared services: store (migrated), blob store, notifier, export engine, and optionally
 * an embedded worker that the engine wakes when a job is created.
 * @example const services = await createServices(config, logger, { worker: true });
 */
export async function createServices(
  config: Config,
  logger: Logger,
  opts: { worker?: boolean; store?: Store; pollMs?: number; retryBaseMs?: number; sender?: Sender; drainBackoffMs?: number; scheduleRetryMs?: number } = {},
): Promise<Services> {
  const store = opts.store ?? (await openStore(config.database));
  const blobs = await createBlobStore(config);
  const outbound = createOutboundClient({ allowlist: config.outboundAllowlist });
  const notifier = createNotifier({ config, mailer: createMailer(config), logger, outbound });
  const completions = createCompletions();
  let worker: Worker | undefined;
  const exports = createExportEngine({ store, config, blobs, logger, notifier, completions, wake: () => worker?.wake() });
  // Every URL a drain calls goes through the one outbound guard.
  const sender: Sender = opts.sender ?? outbound;
  const drainDeps = { store, config, logger, notifier, sender, retryBaseMs: opts.retryBaseMs, failureBackoffMs: opts.drainBackoffMs };
  const drains = createDrainService({ ...drainDeps, wake: () => worker?.wake() });
  const schedules = createScheduleService({ store, config, exports, sender, wake: () => worker?.wake() });
  const scheduleDeps = { store, config, blobs, sender, exports, logger, leaseMs: config.leaseSeconds * 1000, retryMs: opts.scheduleRetryMs };
  if (opts.worker) {
    worker = startWorker(
      { store, config, blobs, logger, notifier, completions, retryBaseMs: opts.retryBaseMs ?? config.retryBaseMs },
      { concurrency: config.workerConcurrency, pollMs: opts.pollMs, sources: [drainSource(drainDeps), scheduleSource(scheduleDeps)] },
    );
  }
  return {
    config,
    logger,
    store,
    blobs,
    notifier,
    exports,
    drains,
    schedules,
    worker,
    async close() {
      await worker?.stop();
      await blobs.close?.();
      if (!opts.store) await store.close();
    },
  };
}
