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

/** A formatter in `timeZone`, or in UTC for a zone this browser does not know. */
function inZone(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone, ...options });
  } catch {
    return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', ...options });
  }
}

/** "Dec 1, 2026, 12:00 AM – Dec 1, 2026, 11:59 PM": a window's instants in its schedule's zone (`to` is its last millisecond). */
export function windowLabel(w: { from: string; to: string }, timeZone: string): string {
  const f = inZone(timeZone, { dateStyle: 'medium', timeStyle: 'short' });
  return `${f.format(new Date(w.from))} – ${f.format(new Date(w.to))}`;
}

/** How a schedule runs: "Every day", or its cron expression as written ("Cron 30 17 * * *"). */
export function clockLabel(s: { every: Period | null; cron: string | null }): string {
  if (s.every) return PERIOD_LABELS[s.every];
  return s.cron ? `Cron ${s.cron}` : 'No clock';
}

/**
 * When a schedule runs next, in words, in its zone: the end of its next window — "today at 5:30 PM
 * (Asia/Kolkata)", "tomorrow at …", "on Dec 5, 2026 at …", or "now" while it catches up ended periods.
 */
export function nextRunLabel(s: { next_window: { to: string }; timezone: string }, now = Date.now()): string {
  const at = Date.parse(s.next_window.to) + 1;
  if (at <= now) return 'now (catching up ended periods)';
  const day = inZone(s.timezone, { year: 'numeric', month: '2-digit', day: '2-digit' });
  const time = inZone(s.timezone, { timeStyle: 'short' }).format(at);
  const [today, tomorrow, then] = [now, now + 86_400_000, at].map((t) => day.format(t));
  const when = then === today ? 'today' : then === tomorrow ? 'tomorrow' : `on ${inZone(s.timezone, { dateStyle: 'medium' }).format(at)}`;
  return `${when} at ${time} (${s.timezone})`;
}
