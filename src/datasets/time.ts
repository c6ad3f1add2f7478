import { Invalid, Unprocessable } from '../errors.js';
import { calendarTime } from '../time/calendar.js';
import { zoneOffset } from '../time/zone.js';

export { zoneOffset };

/*
 * Date ranges in an IANA zone, DST-correct, with nothing but Intl: a zone's offset at an instant is read
 * from Intl.DateTimeFormat, and a local wall time is turned into an instant by trying the offsets in
 * effect a day either side (a zone changes offset at most once in two days).
 */

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The instant of a local wall time (given as if it were UTC ms). A time skipped by a DST gap resolves
 * past the gap and a repeated time to its first occurrence, as Temporal's 'compatible' mode does.
 */
export function localToInstant(wall: number, timezone: string): number {
  const before = zoneOffset(wall - DAY_MS, timezone);
  const after = zoneOffset(wall + DAY_MS, timezone);
  const fits = (offset: number) => zoneOffset(wall - offset, timezone) === offset;
  if (before === after) return wall - before;
  const okBefore = fits(before);
  const okAfter = fits(after);
  if (okBefore && okAfter) return Math.min(wall - before, wall - after);
  if (okAfter && !okBefore) return wall - after;
  return wall - before;
}

/**
 * `YYYY-MM-DD` of an instant in a zone.
 * @example localDate(Date.parse('2025-03-10T03:30:00Z'), 'America/New_York') // '2025-03-09'
 */
export function localDate(ms: number, timezone: string): string {
  return new Date(ms + zoneOffset(ms, timezone)).toISOString().slice(0, 10);
}

/**
 * The start (an instant) of the local calendar month `months` before the one `now` is in, in a zone:
 * a history window counted in whole months, as Langdock counts its 12 months.
 * @example startOfMonthsBack(Date.parse('2025-12-01T10:00:00Z'), 12, 'UTC') // 2024-12-01T00:00:00Z
 */
export function startOfMonthsBack(now: number, months: number, timezone: string): number {
  const [y, m] = localDate(now, timezone).split('-').map(Number);
  const index = y * 12 + (m - 1) - months;
  return localToInstant(Date.UTC(Math.floor(index / 12), index % 12, 1), timezone);
}

/** What a request says about its period: date-only or date-time strings, in a zone. */
export interface RangeInput {
  readonly from: string;
  readonly to: string;
  readonly timezone?: string;
}

/** Epoch ms, `from` inclusive and `to` exclusive. */
export interface ResolvedRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Resolves a request's period, the same on every surface. An end covers the last unit it names: a
 * date-only `to` its whole local day (so it becomes the start of the next day), a date-time `to` with
 * whole seconds its whole second (`23:59:59` includes 23:59:59.999; minutes alone, the whole minute), and
 * one with fractional seconds that instant, included (so a stored plan's last millisecond reproduces it). A date-time with `Z`/offset is that instant;
 * one without is local time in the zone. Throws `Invalid` naming the bad field, or when the end is before the start.
 * @example resolveRange({ from: '2025-03-09', to: '2025-03-09', timezone: 'America/New_York' }) // a 23-hour day
 */
export function resolveRange(input: RangeInput): ResolvedRange {
  const timezone = input.timezone ?? 'UTC';
  zoneOffset(0, timezone); // throws Invalid naming an unknown zone
  const from = parsePoint(input.from, 'from', timezone);
  const to = parsePoint(input.to, 'to', timezone);
  // Every end covers at least its own instant, so it is too early only when it ends by the start.
  if (to <= from) {
    throw new Invalid(`to (${input.to}) is before from (${input.from}); the end date must be on or after the start date`, { field: 'to' });
  }
  return { from, to };
}

/**
 * How much past its named instant an end reaches: a day for a date, a second for whole seconds, a minute
 * for whole minutes, one millisecond (the instant itself) with fractional seconds.
 */
function endUnitMs(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const text = value.trim();
  if (DATE_ONLY.test(text)) return DAY_MS;
  const m = DATE_TIME.exec(text);
  if (!m) return 0;
  if (m[7] !== undefined) return 1;
  return m[6] !== undefined ? 1000 : 60_000;
}

function parsePoint(value: string, field: 'from' | 'to', timezone: string): number {
  const instant = parseInstant(value, field, timezone);
  // The date-only case already resolved to the start of the next day.
  const unit = field === 'to' && !DATE_ONLY.test(String(value).trim()) ? endUnitMs(value) : 0;
  return instant + unit;
}

function parseInstant(value: string, field: 'from' | 'to', timezone: string): number {
  if (typeof value !== 'string') throw invalid(field, value);
  const text = value.trim();
  const day = DATE_ONLY.exec(text);
  if (day) {
    const wall = wallTime(field, value, day[1], day[2], day[3]);
    // The end of a date-only period is the start of the local day after it.
    return localToInstant(field === 'to' ? wall + DAY_MS : wall, timezone);
  }
  const m = DATE_TIME.exec(text);
  if (!m) throw invalid(field, value);
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = m;
  const ms = Number((frac + '00').slice(0, 3));
  const wall = wallTime(field, value, y, mo, d, h, mi, s, ms);
  if (!zone) return localToInstant(wall, timezone);
  if (zone.toUpperCase() === 'Z') return wall;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const oh = Number(digits.slice(0, 2));
  const om = Number(digits.slice(2) || '0');
  if (oh > 23 || om > 59) throw invalid(field, value);
  return wall - sign * (oh * 3_600_000 + om * 60_000);
}

/**
 * Validated calendar fields as UTC ms. A well-formed date that names no real day or time (2025-02-30,
 * 25:00) is refused with 422 rather than rolled over; malformed text is a 400.
 */
function wallTime(field: string, raw: string, y: string, mo: string, d: string, h = '0', mi = '0', s = '0', ms = 0): number {
  const t = calendarTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms);
  if (t === null) {
    throw new Unprocessable(`${field} is not a valid date: '${raw}' is not a day and time of the calendar`, { field });
  }
  return t;
}

function invalid(field: string, value: unknown): Invalid {
  return new Invalid(`${field} is not a valid date: '${String(value)}'; use YYYY-MM-DD or an ISO 8601 date-time such as 2025-01-31T23:00:00Z`, {
    field,
  });
}
