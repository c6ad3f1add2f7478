import type { Dataset } from '@contract/datasets';
import type { Export } from '@contract/exports';
import type { ExportSource, ExportStatus } from '@contract/vocabulary';
import { displayDay } from './dates';

/** Statuses the console keeps polling for. */
export const ACTIVE_STATUSES: readonly ExportStatus[] = ['queued', 'running'];

export const STATUS_LABELS: Record<ExportStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

/** Where an export came from, in words (history and the export's page). */
export const SOURCE_LABELS: Record<ExportSource, string> = {
  console: 'Console',
  api: 'API',
  gumloop: 'Gumloop',
  langdock: 'Langdock',
  cli: 'CLI',
  schedule: 'Schedule',
  drain: 'Drain',
};

/**
 * "10/01/2026 – 10/31/2026": the local days of an export's instants in its timezone. Both ends are
 * inclusive (`to` is the last millisecond covered), so the last day is the day `to` falls on.
 */
export function periodLabel(e: Export): string {
  const { from, to, timezone } = e.params;
  // A request without a start covers the data from the epoch.
  const start = Date.parse(from) <= 0 ? 'Beginning' : displayDay(from, timezone);
  return `${start} – ${displayDay(to, timezone)}`;
}

/** The dataset's title when the catalogue knows it. */
export const datasetTitle = (name: string, datasets: Dataset[] | undefined) => datasets?.find((d) => d.name === name)?.title ?? name;

/** Same-origin path that redirects to a freshly signed file URL (only when completed). */
export const downloadPath = (e: Export) => (e.status === 'completed' && e.download_url ? `/v1/exports/${encodeURIComponent(e.id)}/download` : null);

export const canCancel = (e: Export) => e.status === 'queued' || e.status === 'running';
