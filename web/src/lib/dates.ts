/*
 * Calendar days as `YYYY-MM-DD` strings: what the API takes (`from`/`to` are whole days in `timezone`).
 * Shown to people as MM/DD/YYYY. Arithmetic is done in UTC so no local offset can shift a day.
 */

export type Ymd = string;

const pad = (n: number) => String(n).padStart(2, '0');
const fromUtc = (d: Date): Ymd => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const toUtc = (ymd: Ymd) => {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
};

/** Today's date in an IANA zone. */
export function todayIn(timeZone: string, now = new Date()): Ymd {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return fromUtc(now);
  }
}

export function addDays(ymd: Ymd, days: number): Ymd {
  const d = toUtc(ymd);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtc(d);
}

/** 0 = Sunday. */
export const weekday = (ymd: Ymd) => toUtc(ymd).getUTCDay();
export const startOfMonth = (ymd: Ymd): Ymd => `${ymd.slice(0, 7)}-01`;
export function endOfMonth(ymd: Ymd): Ymd {
  const d = toUtc(startOfMonth(ymd));
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return fromUtc(d);
}

/** `2025-03-01` → `03/01/2025`. */
export const toUs = (ymd: Ymd | null | undefined) => (ymd ? `${ymd.slice(5, 7)}/${ymd.slice(8, 10)}/${ymd.slice(0, 4)}` : '');

/** `03/01/2025` (or `3/1/2025`) → `2025-03-01`; null unless it is a real calendar day. */
export function parseUs(text: string): Ymd | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [, mm, dd, yyyy] = m;
  const ymd = `${yyyy}-${pad(Number(mm))}-${pad(Number(dd))}`;
  return fromUtc(toUtc(ymd)) === ymd && Number(yyyy) >= 1970 ? ymd : null;
}

/** For the calendar widget, which works in local `Date`s at midnight. */
export function toLocalDate(ymd: Ymd | null | undefined): Date | undefined {
  if (!ymd) return undefined;
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(y, m - 1, d);
}
export const fromLocalDate = (d: Date): Ymd => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

export type PresetId = 'this_week' | 'last_week' | 'this_month' | 'last_month' | 'last_30_days' | 'custom';
export const PRESETS: { id: PresetId; label: string }[] = [
  { id: 'this_week', label: 'This week' },
  { id: 'last_week', label: 'Last week' },
  { id: 'this_month', label: 'This month' },
  { id: 'last_month', label: 'Last month' },
  { id: 'last_30_days', label: 'Last 30 days' },
  { id: 'custom', label: 'Custom' },
];

/** The days a preset covers, ending no later than today in `timeZone` (weeks start on Sunday). */
export function presetRange(id: Exclude<PresetId, 'custom'>, timeZone: string, now = new Date()): { from: Ymd; to: Ymd } {
  const today = todayIn(timeZone, now);
  const weekStart = addDays(today, -weekday(today));
  switch (id) {
    case 'this_week':
      return { from: weekStart, to: today };
    case 'last_week':
      return { from: addDays(weekStart, -7), to: addDays(weekStart, -1) };
    case 'this_month':
      return { from: startOfMonth(today), to: today };
    case 'last_month': {
      const end = addDays(startOfMonth(today), -1);
      return { from: startOfMonth(end), to: end };
    }
    case 'last_30_days':
      return { from: addDays(today, -29), to: today };
  }
}

export const browserTimezone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

let zones: string[] | undefined;
/** Every IANA zone the browser knows, plus UTC and the browser's own. */
export function timezones(): string[] {
  if (!zones) {
    let list: string[] = [];
    try {
      list = (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone');
    } catch {
      list = [];
    }
    zones = [...new Set(['UTC', browserTimezone(), ...list])].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
  }
  return zones;
}

/** An instant as the MM/DD/YYYY day it falls on in `timeZone`. */
export const displayDay = (iso: string, timeZone: string): string => toUs(todayIn(timeZone, new Date(iso)));
