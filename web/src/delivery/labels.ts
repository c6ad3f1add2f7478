import type { DRAIN_STATUSES, SCHEDULE_PERIODS } from '@contract/drains';

type DrainStatus = (typeof DRAIN_STATUSES)[number];
type Period = (typeof SCHEDULE_PERIODS)[number];

/** A drain's status in words (the badge). */
export const DRAIN_STATUS_LABELS: Record<DrainStatus, string> = { active: 'Active', paused: 'Paused', error: 'Error' };

/** A schedule's status in words. */
export const SCHEDULE_STATUS_LABELS: Record<'active' | 'paused', string> = { active: 'Active', paused: 'Paused' };

/** How often a schedule runs, in words. */
export const PERIOD_LABELS: Record<Period, string> = { hour: 'Every hour', day: 'Every day', week: 'Every week (from Monday)', month: 'Every month' };

/** Where a drain starts, in words. */
export const START_LABELS = {
  now: { label: 'From now on', hint: 'Only records that are added or changed from now on' },
  all: { label: 'Everything there is', hint: 'Every record there is, then new ones as they arrive' },
  date: { label: 'Since a date', hint: 'Records created since that day (UTC), then new ones' },
} as const;

/** "every 60 s" / "every 5 min". */
export const intervalLabel = (s: number) => (s % 60 === 0 ? `every ${s / 60} min` : `every ${s} s`);

/** "Sequences 12–40". */
export const rangeLabel = (r: { from: number; to: number }) => (r.from === r.to ? `${r.from}` : `${r.from}–${r.to}`);

/** "Dec 1, 2026, 12:00 AM – Dec 1, 2026, 11:59 PM": a window's instants in its schedule's zone (`to` is its last millisecond). */
export function windowLabel(w: { from: string; to: string }, timeZone: string): string {
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  } catch {
    f = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' });
  }
  return `${f.format(new Date(w.from))} – ${f.format(new Date(w.to))}`;
}
