/*
 * How the CLI writes numbers, sizes, durations and instants for people. Machine output (`--json`) keeps
 * the API's own values; these are for tables and progress lines only.
 */

// Made on first use: building an Intl formatter loads ICU data, a tenth of a second `sluice --help` does not need.
let grouped: Intl.NumberFormat | undefined;

/** A count with thousands separators. @example formatCount(1234567) // '1,234,567' */
export const formatCount = (n: number): string => (grouped ??= new Intl.NumberFormat('en-US')).format(n);

const UNITS = ['kB', 'MB', 'GB', 'TB'] as const;

/**
 * A byte size in decimal units with one decimal below 100 (what `ls -h --si` and browsers show).
 * @example formatBytes(1_234_567) // '1.2 MB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 99.95 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/**
 * Seconds as the two largest units, rounded up so a countdown never shows 0s before the end.
 * @example formatDuration(125) // '2m 05s'
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

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
