import type { TimestampFormatter } from './timestamps.js';

/**
 * Value coercions shared by every encoder. Rows come from SQLite (booleans as 0/1, JSON as parsed
 * values) and PostgreSQL (bigint/numeric as strings), so each helper accepts the shapes both produce.
 */

/** Epoch ms of a timestamp value (number, bigint, numeric string, ISO text, Date); null → null; anything else → NaN. */
export function timestampMs(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return isNumericText(value) ? Number(value) : Date.parse(value);
  return Number.NaN;
}

/** Epoch ms (number, bigint, numeric string, Date) → ISO text; other strings pass through; null → null. */
export function timestampText(value: unknown, format: TimestampFormatter): string | null {
  const ms = timestampMs(value);
  if (ms === null) return null;
  if (!Number.isFinite(ms)) return typeof value === 'string' ? value : String(value);
  // Date supports ±8.64e15 ms; outside that there is no ISO form.
  if (!(Math.abs(ms) <= 8.64e15)) return null;
  return format(ms);
}

/** A number from a number, bigint or numeric string (PostgreSQL numeric); null → null; anything else → NaN. */
export function numberValue(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && isNumericText(value)) return Number(value);
  return Number.NaN;
}

/** A bigint from an integral number, bigint or integer text (PostgreSQL int8); null → null; anything else → undefined. */
export function integerValue(value: unknown): bigint | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

/** Epoch ms of midnight UTC of a `YYYY-MM-DD` date; null → null; anything else → NaN. */
export function dateMs(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
}

/** 0/1, booleans and their text forms → boolean; null → null. */
export function booleanValue(value: unknown): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') return value === 'true' || value === '1' || value === 't';
  return Boolean(value);
}

/** A number as JSON number text, or null when it has none (NaN, Infinity, non-numeric text). */
export function numberText(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && isNumericText(value)) return value;
  return null;
}

/** Text for string fields: numbers and dates as text, objects as JSON. */
export function stringText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return jsonText(value);
  return String(value);
}

// Datasets hand out one parsed object for a JSON text that repeats across rows (a workflow's pipeline
// on every run of it); remembering its text by identity saves a stringify per row.
const texts = new WeakMap<object, string>();

/** JSON text of any value; bigints become numbers, undefined becomes null. */
export function jsonText(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const known = texts.get(value);
    if (known !== undefined) return known;
    const text = stringify(value);
    texts.set(value, text);
    return text;
  }
  return stringify(value);
}

function stringify(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    // Only reached for bigints nested in json values: rare, so the slower replacer is fine here.
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  }
  return text ?? 'null';
}

/**
 * True when `s` is a JSON number literal (PostgreSQL sends int8/numeric as such text).
 * A char scan: this runs per cell.
 */
export function isNumericText(s: string): boolean {
  const n = s.length;
  let i = 0;
  if (i < n && s.charCodeAt(i) === 45) i++; // -
  if (i >= n) return false;
  let c = s.charCodeAt(i);
  if (c === 48) {
    i++;
  } else if (c >= 49 && c <= 57) {
    while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
  } else return false;
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
    if (i === start) return false;
  }
  if (i < n && ((c = s.charCodeAt(i)) === 101 || c === 69)) {
    i++;
    if (i < n && ((c = s.charCodeAt(i)) === 43 || c === 45)) i++;
    const start = i;
    while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
    if (i === start) return false;
  }
  return i === n;
}
