import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDate, localToInstant, resolveRange } from '../src/datasets/time.js';
import { thrown } from './helpers/errors.js';

const HOUR = 3_600_000;
const ms = (iso: string) => Date.parse(iso);

const error = thrown;

describe('resolveRange', () => {
  it('treats date-only values as whole days, both ends inclusive', () => {
    expect(resolveRange({ from: '2025-03-01', to: '2025-03-01', timezone: 'UTC' })).toEqual({ from: ms('2025-03-01T00:00:00Z'), to: ms('2025-03-02T00:00:00Z') });
    expect(resolveRange({ from: '2025-02-01', to: '2025-02-28' })).toEqual({ from: ms('2025-02-01T00:00:00Z'), to: ms('2025-03-01T00:00:00Z') });
  });

  it('gives America/New_York 2025-03-09 (spring forward) 23 hours', () => {
    const r = resolveRange({ from: '2025-03-09', to: '2025-03-09', timezone: 'America/New_York' });
    expect(r).toEqual({ from: ms('2025-03-09T05:00:00Z'), to: ms('2025-03-10T04:00:00Z') });
    expect(r.to - r.from).toBe(23 * HOUR);
  });

  it('gives America/New_York 2025-11-02 (fall back) 25 hours', () => {
    const r = resolveRange({ from: '2025-11-02', to: '2025-11-02', timezone: 'America/New_York' });
    expect(r).toEqual({ from: ms('2025-11-02T04:00:00Z'), to: ms('2025-11-03T05:00:00Z') });
  });

  it('gives Europe/Berlin 2025-03-30 23 hours and a winter day 24', () => {
    expect(resolveRange({ from: '2025-03-30', to: '2025-03-30', timezone: 'Europe/Berlin' })).toEqual({
      from: ms('2025-03-29T23:00:00Z'),
      to: ms('2025-03-30T22:00:00Z'),
    });
    expect(resolveRange({ from: '2025-01-15', to: '2025-01-15', timezone: 'Europe/Berlin' })).toEqual({
      from: ms('2025-01-14T23:00:00Z'),
      to: ms('2025-01-15T23:00:00Z'),
    });
  });

  it('takes a date-time with Z or an offset as that exact instant, the end one included', () => {
    expect(resolveRange({ from: '2025-01-01T00:00:00Z', to: '2025-01-31T23:59:59.999Z', timezone: 'Europe/Berlin' })).toEqual({
      from: ms('2025-01-01T00:00:00Z'),
      to: ms('2025-02-01T00:00:00Z'),
    });
    expect(resolveRange({ from: '2025-01-01T00:00:00+05:30', to: '2025-01-02T00:00-0800' }).from).toBe(ms('2024-12-31T18:30:00Z'));
    // A minute-precision end covers its whole minute.
    expect(resolveRange({ from: '2025-01-01T00:00:00+05:30', to: '2025-01-02T00:00-0800' }).to).toBe(ms('2025-01-02T08:01:00Z'));
  });

  it('makes a whole-second end cover its whole second, and a millisecond end that instant (issue 11)', () => {
    // Gumloop's documented end_date: a run at 23:59:59.139 is in this range, and not lost between two days.
    const r = resolveRange({ from: '2024-12-31T00:00:00', to: '2024-12-31T23:59:59', timezone: 'UTC' });
    expect(r.to).toBe(ms('2025-01-01T00:00:00Z'));
    const run = ms('2024-12-31T23:59:59.139Z');
    expect(run >= r.from && run < r.to).toBe(true);
    expect(resolveRange({ from: '2024-12-31', to: '2024-12-31T23:59:59Z' }).to).toBe(ms('2025-01-01T00:00:00Z'));
    expect(resolveRange({ from: '2024-12-31', to: '2024-12-31T23:59:59+01:00' }).to).toBe(ms('2024-12-31T23:00:00Z'));
    // Milliseconds name an instant: that instant is the last one in the range.
    expect(resolveRange({ from: '2024-12-31', to: '2024-12-31T23:59:59.500Z' }).to).toBe(ms('2024-12-31T23:59:59.501Z'));
    // An end equal to the start still covers its second.
    expect(resolveRange({ from: '2025-01-01T10:00:00Z', to: '2025-01-01T10:00:00Z' })).toEqual({ from: ms('2025-01-01T10:00:00Z'), to: ms('2025-01-01T10:00:01Z') });
  });

  it('reads a date-time without offset as local time in the zone, DST-correct', () => {
    expect(resolveRange({ from: '2025-07-01T09:00:00', to: '2025-07-01T17:00:00', timezone: 'Europe/Berlin' })).toEqual({
      from: ms('2025-07-01T07:00:00Z'),
      to: ms('2025-07-01T15:00:01Z'),
    });
    expect(resolveRange({ from: '2025-01-01T09:00', to: '2025-01-01T09:00', timezone: 'America/New_York' }).from).toBe(ms('2025-01-01T14:00:00Z'));
  });

  it('resolves a skipped local time past the gap and a repeated one to its first occurrence', () => {
    // 02:30 does not exist in New York on 2025-03-09; 01:30 happens twice on 2025-11-02.
    expect(localToInstant(Date.UTC(2025, 2, 9, 2, 30), 'America/New_York')).toBe(ms('2025-03-09T07:30:00Z'));
    expect(localToInstant(Date.UTC(2025, 10, 2, 1, 30), 'America/New_York')).toBe(ms('2025-11-02T05:30:00Z'));
  });

  it('rejects an unknown zone, naming it', () => {
    const err = error(() => resolveRange({ from: '2025-01-01', to: '2025-01-02', timezone: 'Mars/Olympus_Mons' }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('Mars/Olympus_Mons');
    expect(err.details).toEqual({ field: 'timezone' });
  });

  it.each([
    ['from', 400, { from: '01/02/2025', to: '2025-03-01' }],
    ['to', 400, { from: '2025-01-01', to: 'tomorrow' }],
    // Well-formed, but no such day or time: 422, never rolled over into the next month.
    ['from', 422, { from: '2025-02-30', to: '2025-03-01' }],
    ['from', 422, { from: '2026-02-30T00:00:00Z', to: '2026-03-31' }],
    ['to', 422, { from: '2025-01-01', to: '2025-01-01T25:00:00Z' }],
    ['to', 422, { from: '2025-01-01', to: '2025-13-01' }],
  ])('rejects an invalid %s date (%i) with a message naming the field', (field, status, input) => {
    const err = error(() => resolveRange({ ...input, timezone: 'UTC' }));
    expect(err.status).toBe(status);
    expect(err.message.startsWith(`${field} is not a valid date`)).toBe(true);
    expect(err.details).toEqual({ field });
  });

  it('rejects an end before the start', () => {
    const err = error(() => resolveRange({ from: '2025-03-02', to: '2025-03-01', timezone: 'UTC' }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('before');
  });

  it('makes every local day start and end on that local date, in zones with odd rules', () => {
    const zones = ['UTC', 'America/New_York', 'Europe/Berlin', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Asia/Tehran'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (t, zone) => {
        const day = new Date(t).toISOString().slice(0, 10);
        const r = resolveRange({ from: day, to: day, timezone: zone });
        expect(localDate(r.from, zone)).toBe(day);
        expect(localDate(r.to - 1, zone)).toBe(day);
        expect(localDate(r.from - 1, zone)).not.toBe(day);
        expect(localDate(r.to, zone)).not.toBe(day);
        expect(r.to - r.from).toBeGreaterThanOrEqual(22 * HOUR);
        expect(r.to - r.from).toBeLessThanOrEqual(26 * HOUR);
      }),
      { numRuns: 400 },
    );
  });
});

describe('localDate', () => {
  it('is the calendar date in the zone', () => {
    expect(localDate(ms('2025-03-10T03:30:00Z'), 'America/New_York')).toBe('2025-03-09');
    expect(localDate(ms('2025-03-10T04:30:00Z'), 'America/New_York')).toBe('2025-03-10');
    expect(localDate(ms('2025-03-30T22:30:00Z'), 'Europe/Berlin')).toBe('2025-03-31');
    expect(localDate(ms('2025-03-30T22:30:00Z'), 'UTC')).toBe('2025-03-30');
  });
});
