/*
 * Time for the demo: everything is placed relative to a fixed reference instant ("now") passed in,
 * so a seed does not change when the clock does. The data covers the 13 months before it.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** Months of history generated: one more than the 12 that vendors' usage exports allow, so ranges can be tried at the edge. */
export const HISTORY_MONTHS = 13;

/** Midnight UTC of the day `at` falls in: the default demo reference time. */
export function startOfUtcDay(at: number = Date.now()): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/** The first instant of the history: `now` minus 13 calendar months (UTC). */
export function historyStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - HISTORY_MONTHS, d.getUTCDate());
}

/** Epoch ms → ISO 8601 UTC, the wire format of every timestamp. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** Relative activity per hour of the UTC day: busy working hours, a quiet night, some automation at all hours. */
const HOUR_WEIGHTS = [2, 1.5, 1, 1, 1, 1.5, 3, 6, 10, 12, 12, 11, 9, 11, 12, 12, 10, 8, 6, 5, 4, 3, 3, 2];
const HOUR_TOTAL = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);

/** A time inside the day starting at `dayStart`, following HOUR_WEIGHTS; `u1`, `u2` uniform in [0,1). */
export function timeInDay(dayStart: number, u1: number, u2: number): number {
  let r = u1 * HOUR_TOTAL;
  let hour = 0;
  while (hour < 23 && r >= HOUR_WEIGHTS[hour]) r -= HOUR_WEIGHTS[hour++];
  return dayStart + hour * HOUR_MS + Math.floor(u2 * HOUR_MS);
}

/** One day of the history with its share of the period's activity. */
export interface Day {
  start: number;
  /** Fraction of all activity that falls on this day (sums to 1 over the history). */
  share: number;
  /** True on the first day of a UTC month (when subscription credits are bought). */
  monthStart: boolean;
}

/**
 * The days of the history, oldest first. Activity grows over the period (the platform is adopted)
 * and drops at weekends, so charts in the console look like a real product's.
 */
export function historyDays(now: number): Day[] {
  const first = historyStart(now);
  const count = Math.round((now - first) / DAY_MS);
  const weights: number[] = [];
  for (let i = 0; i < count; i++) {
    const weekday = new Date(first + i * DAY_MS).getUTCDay();
    const growth = 0.45 + 0.55 * (i / Math.max(1, count - 1));
    weights.push(growth * (weekday === 0 || weekday === 6 ? 0.35 : 1));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w, i) => {
    const start = first + i * DAY_MS;
    return { start, share: w / total, monthStart: new Date(start).getUTCDate() === 1 };
  });
}
