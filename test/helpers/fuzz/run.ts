import fc from 'fast-check';
import type { FuzzRequest } from './requests.js';
import type { FuzzOutcome, FuzzTarget } from './target.js';

/** What a fuzz run did, and everything that broke the properties. */
export interface FuzzReport {
  readonly dialect: string;
  readonly seed: number;
  /** Requests sent (inject-refused ones not counted). */
  readonly requests: number;
  readonly operations: number;
  /** Responses by status class and code, e.g. `{ '2xx': 120, '422': 80 }`. */
  readonly statuses: Record<string, number>;
  /** 5xx answers, and rejected requests that changed the store. */
  readonly failures: { readonly request: FuzzRequest; readonly outcome: FuzzOutcome }[];
  /** Whether /healthz still answered after every operation's runs. */
  readonly alive: boolean;
  readonly ms: number;
}

/**
 * Walks every operation of the target with `runsPerOperation` generated requests each (fast-check
 * property runs from a fixed seed, so a run repeats exactly), checking after each one that the answer
 * is below 500 and that a rejected request left every table's row count as it was.
 * @example const report = await runFuzz(target, { runsPerOperation: 10, seed: 42 });
 */
export async function runFuzz(target: FuzzTarget, options: { runsPerOperation: number; seed: number }): Promise<FuzzReport> {
  const started = Date.now();
  const statuses: Record<string, number> = {};
  const failures: { request: FuzzRequest; outcome: FuzzOutcome }[] = [];
  let requests = 0;
  let alive = true;
  for (const [i, op] of target.operations.entries()) {
    await fc.assert(
      fc.asyncProperty(target.requests(op), async (request) => {
        const outcome = await target.send(request);
        if (outcome.status < 0) return true;
        requests++;
        const code = String(outcome.status);
        statuses[code] = (statuses[code] ?? 0) + 1;
        if (outcome.status >= 500 || outcome.changed.length > 0) failures.push({ request, outcome });
        // Recorded, not thrown: one run reports every failure, not the first one shrunk.
        return true;
      }),
      { numRuns: options.runsPerOperation, seed: options.seed + i },
    );
    alive &&= await target.alive();
  }
  return { dialect: target.dialect, seed: options.seed, requests, operations: target.operations.length, statuses, failures, alive, ms: Date.now() - started };
}
