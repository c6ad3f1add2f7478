import { formatBytes as formatSize } from '@text/units';

const number = new Intl.NumberFormat('en-US');
const dateTime = new Intl.DateTimeFormat('en-US', { month: '2-digit', day: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export const formatNumber = (n: number | null | undefined) => (n === null || n === undefined ? '—' : number.format(n));

/** A size as the CLI and emails write it (one formatter): 1_234_567 → "1.2 MB"; unknown → "—". */
export const formatBytes = (bytes: number | null | undefined): string => (bytes === null || bytes === undefined ? '—' : formatSize(bytes));

/** An ISO instant in the viewer's local time: "03/01/2025, 02:30 PM". */
export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');

/** "a moment ago", "5 min ago", else the date-time. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return formatDateTime(iso);
}
