import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { claimNext } from './queue/index.js';
import { runExport, type RunnerDeps } from './runner.js';
import { sweep } from './sweeper.js';

/** The longest a worker waits between claims while the database keeps failing. */
const MAX_BACKOFF_MS = 10_000;

export interface WorkerOptions {
  /** Jobs this process runs at once. */
  readonly concurrency: number;
  /** How often to look for work when idle. */
  readonly pollMs?: number;
  /** How often to expire old files and fail abandoned jobs. */
  readonly sweepMs?: number;
  /** Other queues this worker serves beside exports (drains, schedules), under the same slots. */
  readonly sources?: readonly JobSource[];
}

/** Another leased queue the worker claims from: `claim` returns the claimed job's run, or undefined. */
export interface JobSource {
  readonly name: string;
  claim(workerId: string): Promise<((shutdown: AbortSignal) => Promise<unknown>) | undefined>;
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
  let failures = 0;
  const nextPollMs = () => (failures === 0 ? pollMs : Math.min(MAX_BACKOFF_MS, pollMs * 2 ** Math.min(failures, 10)));

  const settleIdle = () => {
    if (running.size === 0) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
    }
  };

  const exportsSource: JobSource = {
    name: 'exports',
    async claim(workerId) {
      const job = await claimNext(deps.store, workerId, { leaseMs: deps.config.leaseSeconds * 1000, orgConcurrency: deps.config.orgConcurrency });
      return job ? (signal) => runExport(deps, job, signal) : undefined;
    },
  };
  const sources = [exportsSource, ...(opts.sources ?? [])];
  let turn = 0;

  /**
   * Claims from the queues in turn (round robin), so a busy one does not starve the others. A queue whose
   * claim fails does not stop the others; when every queue failed (the database is away) it throws, so
   * that the loop backs off instead of polling a dead database at full rate.
   */
  async function claimAny(): Promise<{ name: string; go: () => Promise<unknown> } | undefined> {
    let failed: { err: unknown; source: string } | undefined;
    let answered = 0;
    for (let i = 0; i < sources.length; i++) {
      const source = sources[(turn + i) % sources.length];
      let run: Awaited<ReturnType<JobSource['claim']>>;
      try {
        run = await source.claim(id);
        answered++;
      } catch (err) {
        failed ??= { err, source: source.name };
        continue;
      }
      if (run) {
        turn = (turn + i + 1) % sources.length;
        if (failed) deps.logger.warn({ err: failed.err, source: failed.source }, 'claiming failed; will retry');
        return { name: source.name, go: () => run(shutdown.signal) };
      }
    }
    if (failed && answered === 0) throw failed.err;
    if (failed) deps.logger.warn({ err: failed.err, source: failed.source }, 'claiming failed; will retry');
    return undefined;
  }

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
          const run = await claimAny();
          if (!run) break;
          const p: Promise<void> = run.go().then(() => undefined)
            .catch((err) => deps.logger.error({ err, job: run.name }, 'job run crashed'))
            .finally(() => {
              running.delete(p);
              settleIdle();
              if (!shutdown.signal.aborted) void fill();
            });
          running.add(p);
        }
      } while (again && !shutdown.signal.aborted);
      failures = 0;
    } catch (err) {
      // The database is away (or busy): keep the loop alive and look again later, less often each time.
      failures++;
      deps.logger.warn({ err, retryInMs: nextPollMs() }, 'claiming jobs failed; will retry');
    } finally {
      looping = false;
    }
  }

  const tick = () => {
    void fill().finally(() => {
      if (!shutdown.signal.aborted) timer = setTimeout(tick, nextPollMs());
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
