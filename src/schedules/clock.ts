import { Cron } from 'croner';
import { nextPeriod, periodStart, type Period } from './periods.js';

/*
 * A schedule's windows come from a clock: a calendar period (`every`) or a cron expression (`cron`),
 * in the schedule's zone. Either way a window runs from one tick to the next, so windows are contiguous
 * and never overlap whatever the clock.
 */

export const PERIODS: readonly Period[] = ['hour', 'day', 'week', 'month'];

/** How windows are cut: the tick at or before an instant, and the tick after a tick. */
export interface WindowClock {
  /** The latest tick at or before `ms` (a window starts there). */
  start(ms: number): number;
  /** The first tick after `tick` (the window starting at `tick` ends there). */
  next(tick: number): number;
}

/** True for the calendar periods; anything else a schedule stores is a cron expression. */
export const isPeriod = (spec: string): spec is Period => (PERIODS as readonly string[]).includes(spec);

/** Lookbacks tried, shortest first, when finding the tick before an instant: a few steps find any pattern. */
const LOOKBACKS_MS = [61_000, 3_600_000, 86_400_000, 8 * 86_400_000, 32 * 86_400_000, 367 * 86_400_000, 5 * 366 * 86_400_000];

/**
 * Why a cron expression cannot drive a schedule, or null when it can: five fields (minute hour
 * day-of-month month day-of-week; no seconds), a valid pattern, and a next tick that exists.
 * @example cronProblem('0 6 * * 1-5', 'Europe/Berlin') // null
 */
export function cronProblem(expr: string, timezone: string): string | null {
  if (expr.trim().split(/\s+/).length !== 5) return `cron must have five fields (minute hour day-of-month month day-of-week), e.g. "0 6 * * *"; got "${expr}"`;
  let cron: Cron;
  try {
    cron = new Cron(expr, { timezone, paused: true });
  } catch (err) {
    return `cron "${expr}" is not a valid pattern: ${(err as Error).message.replace(/^CronPattern: /, '')}`;
  }
  return cron.nextRun() ? null : `cron "${expr}" never fires`;
}

/**
 * The clock of a cron expression in a zone (croner): windows run from one firing to the next.
 * @example cronClock('0 6 * * *', 'UTC').next(Date.parse('2026-03-01T06:00:00Z')) // 2026-03-02T06:00:00Z
 */
export function cronClock(expr: string, timezone: string): WindowClock {
  const cron = new Cron(expr, { timezone, paused: true });
  const after = (ms: number): number | undefined => cron.nextRun(new Date(ms))?.getTime();
  return {
    next(tick) {
      const n = after(tick);
      if (n === undefined) throw new Error(`cron "${expr}" has no tick after ${new Date(tick).toISOString()}`);
      return n;
    },
    start(ms) {
      for (const back of LOOKBACKS_MS) {
        let t = after(ms - back);
        if (t === undefined || t > ms) continue;
        for (let n = after(t); n !== undefined && n <= ms; n = after(t)) t = n;
        return t;
      }
      // No tick in five years back: the window starts now.
      return ms;
    },
  };
}

/**
 * The clock of what a schedule stores in `every`: a period name or a cron expression.
 * @example scheduleClock('day', 'Europe/Berlin').start(Date.now()) // today's local midnight
 */
export function scheduleClock(spec: string, timezone: string): WindowClock {
  if (!isPeriod(spec)) return cronClock(spec, timezone);
  return { start: (ms) => periodStart(ms, spec, timezone), next: (tick) => nextPeriod(tick, spec, timezone) };
}
