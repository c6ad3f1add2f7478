import { describe, expect, it } from 'vitest';
import { nextPeriod, periodStart, type Period } from '../src/schedules/periods.js';

/*
 * A schedule's windows in a zone with daylight saving: Europe/Berlin switches from CET (+01:00) to CEST
 * (+02:00) at 2025-03-30 01:00 UTC (02:00 local does not exist) and back at 2025-10-26 01:00 UTC (02:00
 * to 03:00 local happens twice). Expected instants are written out.
 */

const TZ = 'Europe/Berlin';
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const start = (instant: string, every: Period) => iso(periodStart(at(instant), every, TZ));
/** `n` windows from the one `instant` is in, as [from, to) instants. */
const windows = (instant: string, every: Period, n: number): [string, string][] => {
  const out: [string, string][] = [];
  for (let from = periodStart(at(instant), every, TZ), i = 0; i < n; i++) {
    const to = nextPeriod(from, every, TZ);
    out.push([iso(from), iso(to)]);
    from = to;
  }
  return out;
};

describe('schedule periods across daylight saving (Europe/Berlin)', () => {
  it('every hour: hours are instants; the skipped hour is not a window, the repeated hour is two', () => {
    // March: 01:00 CET is followed by 03:00 CEST.
    expect(windows('2025-03-29T23:30:00Z', 'hour', 3)).toEqual([
      ['2025-03-29T23:00:00.000Z', '2025-03-30T00:00:00.000Z'], // 00:00–01:00 CET
      ['2025-03-30T00:00:00.000Z', '2025-03-30T01:00:00.000Z'], // 01:00 CET–03:00 CEST
      ['2025-03-30T01:00:00.000Z', '2025-03-30T02:00:00.000Z'], // 03:00–04:00 CEST
    ]);
    expect(start('2025-03-30T00:59:59.999Z', 'hour')).toBe('2025-03-30T00:00:00.000Z');
    expect(start('2025-03-30T01:00:00.000Z', 'hour')).toBe('2025-03-30T01:00:00.000Z');
    // October: 02:00–03:00 local twice, first in CEST, then in CET.
    expect(windows('2025-10-25T23:10:00Z', 'hour', 4)).toEqual([
      ['2025-10-25T23:00:00.000Z', '2025-10-26T00:00:00.000Z'], // 01:00 CEST
      ['2025-10-26T00:00:00.000Z', '2025-10-26T01:00:00.000Z'], // 02:00 CEST
      ['2025-10-26T01:00:00.000Z', '2025-10-26T02:00:00.000Z'], // 02:00 CET
      ['2025-10-26T02:00:00.000Z', '2025-10-26T03:00:00.000Z'], // 03:00 CET
    ]);
    // 02:30 local twice: each instant is in its own hour (the second is not put in the first's window).
    expect(start('2025-10-26T00:30:00Z', 'hour')).toBe('2025-10-26T00:00:00.000Z');
    expect(start('2025-10-26T01:30:00Z', 'hour')).toBe('2025-10-26T01:00:00.000Z');
    expect(start('2025-10-26T01:00:00Z', 'hour')).toBe('2025-10-26T01:00:00.000Z');
  });

  it('every day: local midnights, a 23-hour day in March and a 25-hour day in October', () => {
    expect(windows('2025-03-30T12:00:00Z', 'day', 2)).toEqual([
      ['2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z'],
      ['2025-03-30T22:00:00.000Z', '2025-03-31T22:00:00.000Z'],
    ]);
    expect(windows('2025-10-26T12:00:00Z', 'day', 2)).toEqual([
      ['2025-10-25T22:00:00.000Z', '2025-10-26T23:00:00.000Z'],
      ['2025-10-26T23:00:00.000Z', '2025-10-27T23:00:00.000Z'],
    ]);
  });

  it('every week: Monday midnights, a week of 167 hours in March and of 169 in October', () => {
    expect(windows('2025-03-30T12:00:00Z', 'week', 2)).toEqual([
      ['2025-03-23T23:00:00.000Z', '2025-03-30T22:00:00.000Z'], // Mon 24 Mar 00:00 CET – Mon 31 Mar 00:00 CEST
      ['2025-03-30T22:00:00.000Z', '2025-04-06T22:00:00.000Z'],
    ]);
    expect(start('2025-03-30T21:59:59.999Z', 'week')).toBe('2025-03-23T23:00:00.000Z');
    expect(start('2025-03-30T22:00:00.000Z', 'week')).toBe('2025-03-30T22:00:00.000Z');
    expect(windows('2025-10-26T01:30:00Z', 'week', 2)).toEqual([
      ['2025-10-19T22:00:00.000Z', '2025-10-26T23:00:00.000Z'], // Mon 20 Oct 00:00 CEST – Mon 27 Oct 00:00 CET
      ['2025-10-26T23:00:00.000Z', '2025-11-02T23:00:00.000Z'],
    ]);
  });

  it('every month: first-of-month midnights, the offset of each', () => {
    expect(windows('2025-03-15T12:00:00Z', 'month', 2)).toEqual([
      ['2025-02-28T23:00:00.000Z', '2025-03-31T22:00:00.000Z'], // 1 Mar 00:00 CET – 1 Apr 00:00 CEST
      ['2025-03-31T22:00:00.000Z', '2025-04-30T22:00:00.000Z'],
    ]);
    expect(start('2025-03-31T21:59:59.999Z', 'month')).toBe('2025-02-28T23:00:00.000Z');
    expect(start('2025-03-31T22:00:00.000Z', 'month')).toBe('2025-03-31T22:00:00.000Z');
    expect(windows('2025-10-26T01:30:00Z', 'month', 2)).toEqual([
      ['2025-09-30T22:00:00.000Z', '2025-10-31T23:00:00.000Z'], // 1 Oct 00:00 CEST – 1 Nov 00:00 CET
      ['2025-10-31T23:00:00.000Z', '2025-11-30T23:00:00.000Z'],
    ]);
  });

  it('every instant of the switch days is in the window periodStart gives it, in zones that switch by an hour or less, at midnight or at night', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'America/Santiago', 'Asia/Beirut', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    const ranges = [['2025-03-28T00:00:00Z', '2025-04-08T00:00:00Z'], ['2025-10-24T00:00:00Z', '2025-11-04T00:00:00Z']];
    const outside: string[] = [];
    for (const zone of zones) {
      for (const every of ['hour', 'day', 'week', 'month'] as Period[]) {
        for (const [a, b] of ranges) {
          for (let ms = at(a); ms < at(b); ms += 15 * 60_000) {
            const from = periodStart(ms, every, zone);
            if (!(from <= ms && ms < nextPeriod(from, every, zone))) outside.push(`${zone} ${every} ${iso(ms)}`);
          }
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
