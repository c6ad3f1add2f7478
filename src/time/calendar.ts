/**
 * UTC ms of calendar date and time fields, or null when they name no real moment: February 30th,
 * month 13, 24:00, minute or second 60. `Date` would roll those over silently (Feb 30 → Mar 2).
 * @example calendarTime(2026, 2, 30) // null; calendarTime(2024, 2, 29, 12) // 1709208000000
 */
export function calendarTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, ms);
  return t.getUTCMonth() === month - 1 && t.getUTCDate() === day ? t.getTime() : null;
}
