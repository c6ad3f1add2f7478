import { Invalid } from '../errors.js';

/*
 * A zone's UTC offset at an instant, read from Intl.DateTimeFormat (no tz database of our own).
 * Shared by date-range resolution and by the encoders that write local timestamps.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter for the zone; throws `Invalid` naming the zone when Intl does not know it. */
function zoneFormat(timezone: string): Intl.DateTimeFormat {
  let dtf = formats.get(timezone);
  if (!dtf) {
    try {
      dtf = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new Invalid(`timezone '${timezone}' is not a known IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)`, { field: 'timezone' });
    }
    formats.set(timezone, dtf);
  }
  return dtf;
}

/** The zone's UTC offset at instant `ms`, in milliseconds (local = utc + offset). */
export function zoneOffset(ms: number, timezone: string): number {
  const parts: Record<string, string> = {};
  for (const p of zoneFormat(timezone).formatToParts(ms)) parts[p.type] = p.value;
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
  const local = new Date(0);
  local.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  local.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return local.getTime() - Math.floor(ms / 1000) * 1000;
}
