/*
 * How the CLI writes numbers, sizes, durations and instants for people. Machine output (`--json`) keeps
 * the API's own values; these are for tables and progress lines only.
 */

// Counts, sizes and durations read the same in the CLI, the console and emails: one formatter.
export { formatBytes, formatCount, formatDuration } from '../../text/units.js';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * An instant as a local date and minute (the machine's time zone, `TZ`).
 * @example formatLocalDateTime('2025-03-01T09:05:00.000Z') // '2025-03-01 10:05' in Europe/Berlin
 */
export function formatLocalDateTime(instant: string | number): string {
  const d = new Date(instant);
  return `${formatLocalDate(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An instant's local calendar date. @example formatLocalDate(new Date(2025, 2, 1)) // '2025-03-01' */
export function formatLocalDate(instant: string | number | Date): string {
  const d = new Date(instant);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
