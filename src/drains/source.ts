import type { JobSource } from '../exports/worker.js';
import { claimNextDrain } from './queue/index.js';
import { runDrain, type DrainRunnerDeps } from './runner.js';

/**
 * The drains queue as a worker job source: claims a due drain under a lease and delivers it.
 * @example startWorker(deps, { concurrency: 2, sources: [drainSource(drainDeps)] });
 */
export function drainSource(deps: DrainRunnerDeps): JobSource {
  return {
    name: 'drains',
    async claim(workerId) {
      const drain = await claimNextDrain(deps.store, workerId, { leaseMs: deps.config.leaseSeconds * 1000 });
      return drain ? (shutdown) => runDrain(deps, drain, shutdown) : undefined;
    },
  };
}
