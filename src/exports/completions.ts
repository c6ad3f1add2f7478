import { EventEmitter } from 'node:events';

/** How a run in this process ended. */
export type RunOutcome = 'completed' | 'failed' | 'retrying' | 'cancelled' | 'released' | 'lost';

/**
 * The in-process completion signal: the runner announces every run's end, so a synchronous surface
 * waiting for an export learns it at once instead of polling the database. Exports run by another
 * process are not announced here; waiters fall back to reading the database. Cancels travel the other
 * way: a cancel asked in this process reaches its run here at once (others see it at their heartbeat).
 * @example const done = completions.next(id, 1000); … completions.announce(id, 'completed');
 */
export function createCompletions() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    /** Announces that a run of export `id` ended. */
    announce(id: string, outcome: RunOutcome): void {
      emitter.emit(id, outcome);
    },
    /**
     * Tells a run of `id` in this process that a cancel was asked for, so it stops now rather than at its
     * next heartbeat. True when a run here heard it.
     */
    cancel(id: string): boolean {
      return emitter.emit(`cancel:${id}`);
    },
    /** Calls `stop` when a cancel of `id` is asked for in this process; returns the unsubscribe. */
    onCancel(id: string, stop: () => void): () => void {
      emitter.on(`cancel:${id}`, stop);
      return () => emitter.off(`cancel:${id}`, stop);
    },
    /** Resolves with the next run outcome of `id`, or null after `timeoutMs`. */
    next(id: string, timeoutMs: number): Promise<RunOutcome | null> {
      return new Promise((resolve) => {
        const done = (outcome: RunOutcome | null) => {
          clearTimeout(timer);
          emitter.off(id, done);
          resolve(outcome);
        };
        const timer = setTimeout(() => done(null), timeoutMs);
        emitter.on(id, done);
      });
    },
  };
}

export type Completions = ReturnType<typeof createCompletions>;
