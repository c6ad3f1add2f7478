import type { Dataset, Export, ExportStatus } from '../api/types';
import { displayDay } from './dates';

export const STATUS_LABELS: Record<ExportStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

/** "03/01/2025 – 03/31/2025" from an export's params (days, instants, or open ends). */
export function periodLabel(e: Export): string {
  const { params } = e;
  const tz = params.timezone || 'UTC';
  const from = params.from ? displayDay(params.from, tz) : params.range ? displayDay(params.range.from, tz) : '';
  const to = params.to
    ? displayDay(params.to, tz)
    : params.range
      ? displayDay(new Date(Date.parse(params.range.to) - 1).toISOString(), tz)
      : '';
  if (!from && !to) return 'All time';
  return `${from || 'Beginning'} – ${to || 'now'}`;
}

/** The dataset's title when the catalogue knows it. */
export const datasetTitle = (name: string, datasets: Dataset[] | undefined) => datasets?.find((d) => d.name === name)?.title ?? name;

/** Same-origin path that redirects to a freshly signed file URL (only when completed). */
export const downloadPath = (e: Export) => (e.status === 'completed' && e.download_url ? `/v1/exports/${encodeURIComponent(e.id)}/download` : null);

export const canCancel = (e: Export) => e.status === 'queued' || e.status === 'running';
