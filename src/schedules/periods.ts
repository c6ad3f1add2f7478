import { localToInstant, zoneOffset } from '../datasets/time.js';

export type Period = 'hour' | 'day' | 'week' | 'month';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The start (an instant) of the period `ms` falls in, in a zone: the local hour, midnight, Monday
 * midnight or first of the month. DST-correct (a 23- or 25-hour day is one day).
 * @example periodStart(Date.parse('2025-03-10T15:00:00Z'), 'day', 'Europe/Berlin') // 2025-03-09T23:00:00Z
 */
export function periodStart(ms: number, every: Period, timezone: string): number {
  const wall = ms + zoneOffset(ms, timezone);
  const d = new Date(wall);
  switch (every) {
    case 'hour':
      // The wall hour placed with the offset in force at `ms`, not looked up from the wall time: in the hour
      // a zone repeats (autumn) one wall hour is two instants, and the one `ms` falls in has its offset.
      return ms - (wall - Math.floor(wall / HOUR) * HOUR);
    case 'day':
      return localToInstant(Math.floor(wall / DAY) * DAY, timezone);
    case 'week': {
      const midnight = Math.floor(wall / DAY) * DAY;
      return localToInstant(midnight - ((d.getUTCDay() + 6) % 7) * DAY, timezone);
    }
    case 'month':
      return localToInstant(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), timezone);
  }
}

/** The start of the period after the one starting at `start`: windows are contiguous and never overlap. */
export function nextPeriod(start: number, every: Period, timezone: string): number {
  const wall = start + zoneOffset(start, timezone);
  const d = new Date(wall);
  switch (every) {
    case 'hour':
      // Instants, not wall hours: a DST hour is never skipped or doubled.
      return start + HOUR;
    case 'day':
      return localToInstant(wall + DAY, timezone);
    case 'week':
      return localToInstant(wall + 7 * DAY, timezone);
    case 'month':
      return localToInstant(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1), timezone);
  }
}
