import { zoneOffset } from '../time/zone.js';

/** Formats epoch milliseconds as ISO 8601 in one IANA zone. */
export type TimestampFormatter = (ms: number) => string;

const HOUR_MS = 3_600_000;
const UTC_NAMES = new Set(['UTC', 'ETC/UTC', 'ETC/UCT', 'UCT', 'Z', 'ZULU', 'ETC/ZULU']);
/** Bound on cached hour buckets per zone, so a scan over centuries cannot grow memory without limit. */
const MAX_CACHED_HOURS = 200_000;
const formatters = new Map<string, TimestampFormatter>();

/**
 * Returns a cached formatter for `timezone`: `…Z` for UTC, local time with offset otherwise.
 * Throws `Invalid` for an unknown zone.
 * @example timestampFormatter('Europe/Berlin')(Date.UTC(2025, 0, 2, 3, 4, 5)) // '2025-01-02T04:04:05.000+01:00'
 */
export function timestampFormatter(timezone: string): TimestampFormatter {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = UTC_NAMES.has(timezone.toUpperCase()) ? formatUtc : zoneFormatter(timezone);
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** True for the zone names written as `…Z` (the others get their offset, `+00:00` included). */
export function isUtcZone(timezone: string): boolean {
  return UTC_NAMES.has(timezone.toUpperCase());
}

function formatUtc(ms: number): string {
  return isoWithoutZone(ms) + 'Z';
}

const DAY_MS = 86_400_000;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** `YYYY-MM-DDT` per epoch day: Date#toISOString costs ~400 ns, a cached prefix plus table lookups a tenth. */
const dayPrefixes = new Map<number, string>();

/** `YYYY-MM-DDTHH:mm:ss.sss` of `ms` read as UTC (callers add the zone's offset first). */
function isoWithoutZone(ms: number): string {
  const t = Math.floor(ms);
  const day = Math.floor(t / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, -13);
    if (dayPrefixes.size >= 100_000) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = t - day * DAY_MS;
  const h = Math.floor(rest / HOUR_MS);
  rest -= h * HOUR_MS;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return prefix + TWO[h] + ':' + TWO[m] + ':' + TWO[s] + '.' + THREE[rest - s * 1000];
}

/** Gives a zone's UTC offset in ms at an instant (local = utc + offset). */
export type OffsetLookup = (ms: number) => number;

const lookups = new Map<string, OffsetLookup>();

/**
 * Returns a cached offset lookup for `timezone` (0 for UTC). Throws `Invalid` for an unknown zone.
 * @example zoneOffsetLookup('Europe/Berlin')(Date.UTC(2025, 0, 2)) // 3_600_000
 */
export function zoneOffsetLookup(timezone: string): OffsetLookup {
  let lookup = lookups.get(timezone);
  if (!lookup) {
    lookup = UTC_NAMES.has(timezone.toUpperCase()) ? () => 0 : hourBucketLookup(timezone);
    lookups.set(timezone, lookup);
  }
  return lookup;
}

function hourBucketLookup(timezone: string): OffsetLookup {
  zoneOffset(0, timezone); // throws Invalid for an unknown zone, before any row is written
  // Offset in ms per UTC hour bucket; NaN marks an hour that contains a transition (computed per value).
  const offsets = new Map<number, number>();
  return (ms) => {
    const bucket = Math.floor(ms / HOUR_MS);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      const start = zoneOffset(bucket * HOUR_MS, timezone);
      const end = zoneOffset(bucket * HOUR_MS + HOUR_MS - 1000, timezone);
      offset = start === end ? start : Number.NaN;
      if (offsets.size >= MAX_CACHED_HOURS) offsets.clear();
      offsets.set(bucket, offset);
    }
    return Number.isNaN(offset) ? zoneOffset(ms, timezone) : offset;
  };
}

function zoneFormatter(timezone: string): TimestampFormatter {
  const offsetAt = zoneOffsetLookup(timezone);
  return (ms) => {
    const offset = offsetAt(ms);
    return isoWithoutZone(ms + offset) + offsetSuffix(offset);
  };
}

const suffixes = new Map<number, string>();

function offsetSuffix(offsetMs: number): string {
  let suffix = suffixes.get(offsetMs);
  if (suffix === undefined) {
    const sign = offsetMs < 0 ? '-' : '+';
    const total = Math.abs(offsetMs) / 1000;
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    // Historical local mean times have second offsets; RFC 3339 has no seconds, so show them only then.
    suffix = `${sign}${pad(h)}:${pad(m)}${s ? `:${pad(s)}` : ''}`;
    suffixes.set(offsetMs, suffix);
  }
  return suffix;
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
