import { z } from 'zod';
import { calendarTime } from '../time/calendar.js';

/*
 * Field parsers for the data contract. Each one validates a wire value and outputs the stored value
 * (epoch ms, 0/1, JSON text, or null for an absent optional), so a parsed row *is* a table row.
 */

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/;
const TIMESTAMP_HINT = 'must be an ISO 8601 timestamp with offset, e.g. 2025-01-31T12:00:00Z';

/** ISO 8601 date-time with an offset → epoch milliseconds (UTC); refuses days and times no calendar has. */
export const timestamp = () =>
  z.string({ error: TIMESTAMP_HINT }).transform((s, ctx) => {
    const m = ISO_WITH_OFFSET.exec(s);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: TIMESTAMP_HINT });
      return z.NEVER;
    }
    const [, y, mo, d, h, mi, sec = '0', frac = '', , sign, oh = '0', om = '0'] = m;
    const wall = calendarTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec), Number((frac + '00').slice(0, 3)));
    if (wall === null || Number(oh) > 23 || Number(om) > 59) {
      ctx.addIssue({ code: 'custom', message: `is not a valid date: '${s}' is not a day and time of the calendar` });
      return z.NEVER;
    }
    return wall - (sign === '-' ? -1 : 1) * (Number(oh) * 3_600_000 + Number(om) * 60_000);
  });

/** A non-empty identifier. */
export const id = () => z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string').max(256);
export const text = () => z.string({ error: 'must be a string' }).max(1_000_000);
/**
 * Largest magnitude of a fractional quantity (credits, costs, balances). PostgreSQL's float8 sum fails
 * past 1.8e308 (SQLite's goes to Infinity): below 1e290 a sum overflows only past 1e18 rows.
 */
const MAX_AMOUNT = 1e290;
export const num = () =>
  z.number({ error: 'must be a number' }).superRefine((n, ctx) => {
    if (!Number.isFinite(n) || Math.abs(n) > MAX_AMOUNT) ctx.addIssue({ code: 'custom', message: 'must be a number between -1e290 and 1e290' });
  });
/** A whole number a double holds exactly (|n| ≤ 2^53 − 1); stored 64-bit on every database. */
export const int = () =>
  z.number({ error: 'must be an integer' }).superRefine((n, ctx) => {
    if (!Number.isInteger(n)) ctx.addIssue({ code: 'custom', message: 'must be an integer' });
    else if (!Number.isSafeInteger(n)) ctx.addIssue({ code: 'custom', message: `must be an integer between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}` });
  });
export const bool = () => z.boolean({ error: 'must be true or false' }).transform((b) => (b ? 1 : 0));
/** Any JSON value, stored as JSON text. */
export const json = () => z.unknown().transform((v) => JSON.stringify(v ?? null));
export const jsonArray = () => z.array(z.unknown(), { error: 'must be an array' }).transform((v) => JSON.stringify(v));
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

/** Makes a field optional: absent or null becomes stored null. */
export const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => (v ?? null) as z.output<T> | null);
