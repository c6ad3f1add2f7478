import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { claimNext } from './queue/index.js';
import { runExport, type RunnerDeps } from './runner.js';
import { sweep } from './sweeper.js';

export interface WorkerOptions {
  /** Jobs this process runs at once. */
  readonly concurrency: number;
  /** How often to look for work when idle. */
  readonly pollMs?: number;
  /** How often to expire old files and fail abandoned jobs. */
  readonly sweepMs?: number;
}

/** A running worker loop. */
export interface Worker {
  readonly id: string;
  /** Look for work now (called after a job is created in this process). */
  wake(): void;
  /** Stops claiming, hands running jobs back, and resolves when they have stopped. */
  stop(): Promise<void>;
  /** Resolves when no job is running in this worker (tests). */
  idle(): Promise<void>;
}

/**
 * Starts a worker: claims jobs from the exports table (lease + fencing), runs them, sweeps expired files.
 * Any number of workers may run, in any number of processes, against the same database.
 * @example const worker = startWorker(deps, { concurrency: 2 }); … await worker.stop();
 */
export function startWorker(deps: RunnerDeps, opts: WorkerOptions): Worker {
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const pollMs = opts.pollMs ?? 1000;
  const shutdown = new AbortController();
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let looping = false;
  let again = false;
  let idleWaiters: (() => void)[] = [];

  const settleIdle = () => {
    if (running.size === 0) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
    }
  };

  async function fill(): Promise<void> {
    if (looping) {
      again = true;
      return;
    }
    looping = true;
    try {
      do {
        again = false;
        while (!shutdown.signal.aborted && running.size < opts.concurrency) {
          const job = await claimNext(deps.store, id, { leaseMs: deps.config.leaseSeconds * 1000, orgConcurrency: deps.config.orgConcurrency });
          if (!job) break;
          const p: Promise<void> = runExport(deps, job, shutdown.signal).then(() => undefined)
            .catch((err) => deps.logger.error({ err, exportId: job.id }, 'export run crashed'))
            .finally(() => {
              running.delete(p);
              settleIdle();
              if (!shutdown.signal.aborted) void fill();
            });
          running.add(p);
        }
      } while (again && !shutdown.signal.aborted);
    } catch (err) {
      deps.logger.warn({ err }, 'claiming exports failed; will retry');
    } finally {
      looping = false;
    }
  }

  const tick = () => {
    void fill().finally(() => {
      if (!shutdown.signal.aborted) timer = setTimeout(tick, pollMs);
    });
  };
  tick();

  const sweeper = setInterval(() => {
    void sweep(deps).catch((err) => deps.logger.warn({ err }, 'sweep failed'));
  }, opts.sweepMs ?? 60_000);
  void sweep(deps).catch((err) => deps.logger.warn({ err }, 'sweep failed'));

  return {
    id,
    wake: () => void fill(),
    async stop() {
      shutdown.abort();
      clearTimeout(timer);
      clearInterval(sweeper);
      await Promise.allSettled([...running]);
    },
    idle: () => (running.size === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
  };
}
