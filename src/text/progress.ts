/*
 * How fast a running export goes and how long it has left, measured by whoever watches it (the console,
 * the CLI): from the rows written that successive reads of the export report, against its estimate.
 * No Node imports: the console bundles this file.
 */

/** Rows/s is measured over this much recent time, so the ETA follows the export's current pace. */
const RATE_WINDOW_MS = 10_000;

/** Rows per second over the last few seconds of a running export; undefined until a second has passed. */
export class RateMeter {
  private samples: { at: number; rows: number }[] = [];

  /** Records that `rows` had been written at `at` (ms). A count that went back (a retry) starts over. */
  add(at: number, rows: number): void {
    const last = this.samples.at(-1);
    if (last && rows < last.rows) this.samples = [];
    this.samples.push({ at, rows });
    while (this.samples.length > 2 && at - this.samples[1]!.at >= RATE_WINDOW_MS) this.samples.shift();
  }

  rate(): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 1000) return undefined;
    return ((last.rows - first.rows) * 1000) / (last.at - first.at);
  }

  /** When the newest sample was taken (ms), or undefined before the first. */
  lastAt(): number | undefined {
    return this.samples.at(-1)?.at;
  }
}

/**
 * Seconds left at `rowsPerSecond` for the rows the estimate still expects, counted down from when the
 * count was read (`readAt`) to `now`, so it moves every second between reads. Undefined when it cannot
 * be told honestly: no estimate, no pace yet, or more rows written than estimated.
 * @example secondsLeft({ written: 4000, estimate: 10000, rowsPerSecond: 2000, readAt: 0, now: 1000 }) // 2
 */
export function secondsLeft(o: { written: number; estimate: number | null; rowsPerSecond: number | undefined; readAt?: number; now?: number }): number | undefined {
  if (o.estimate === null || o.rowsPerSecond === undefined || o.rowsPerSecond <= 0 || o.written > o.estimate) return undefined;
  const elapsed = o.readAt !== undefined && o.now !== undefined ? Math.max(0, o.now - o.readAt) / 1000 : 0;
  return Math.max(0, (o.estimate - o.written) / o.rowsPerSecond - elapsed);
}
