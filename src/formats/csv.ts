import type { FieldDef } from '../datasets/types.js';
import { createRowEncoder } from './row-encoder.js';
import { timestampFormatter, type TimestampFormatter } from './timestamps.js';
import type { EncoderFactory } from './types.js';
import { booleanValue, isNumericText, jsonText, numberText, stringText, timestampText } from './values.js';

/** Turns one value into the cell's final text (already quoted when needed). */
type CellWriter = (value: unknown) => string;

/**
 * RFC 4180 CSV: comma, CRLF, quoted when needed, header of the chosen field names.
 * Formula neutralization (on by default) prefixes string cells a spreadsheet would evaluate with `'`.
 * @example pipeline(rows, csvEncoder({ fields, timezone: 'UTC' }), file)
 */
export const csvEncoder: EncoderFactory = (options) => {
  const neutralize = options.neutralizeFormulas ?? true;
  const timestamps = timestampFormatter(options.timezone);
  const names = options.fields.map((f) => f.name);
  const writers = options.fields.map((f) => cellWriter(f, timestamps, neutralize));
  const n = names.length;
  const header = names.map((name) => csvCell(name)).join(',') + '\r\n';
  return createRowEncoder({
    head: (options.bom ? '\uFEFF' : '') + header,
    encodeRow(row) {
      let line = n > 0 ? writers[0](row[names[0]]) : '';
      for (let i = 1; i < n; i++) line += ',' + writers[i](row[names[i]]);
      return line + '\r\n';
    },
  });
};

function cellWriter(field: FieldDef, timestamps: TimestampFormatter, neutralize: boolean): CellWriter {
  const text = neutralize ? (s: string) => csvCell(neutralized(s)) : csvCell;
  switch (field.type) {
    case 'timestamp':
      return (v) => {
        const t = timestampText(v, timestamps);
        if (t === null) return '';
        // Formatted instants need no quoting; anything else that reached here is treated as user text.
        const formatted = typeof v === 'number' || typeof v === 'bigint' || v instanceof Date || (typeof v === 'string' && t !== v);
        return formatted ? t : text(t);
      };
    case 'boolean':
      return (v) => {
        const b = booleanValue(v);
        return b === null ? '' : b ? 'true' : 'false';
      };
    case 'integer':
    case 'number':
      return (v) => {
        if (v === null || v === undefined) return '';
        const t = numberText(v);
        // Numbers are never neutralized, even negative ones; non-numeric text in a number column is.
        return t ?? text(stringText(v));
      };
    case 'json':
      return (v) => (v === null || v === undefined ? '' : csvCell(jsonText(v)));
    case 'date':
    case 'string':
    default:
      return (v) => (v === null || v === undefined ? '' : text(stringText(v)));
  }
}

// = + - @ and their full-width forms ＝ ＋ － ＠, which spreadsheets also accept as a formula start.
const FORMULA_STARTS = new Set([61, 43, 45, 64, 0xff1d, 0xff0b, 0xff0d, 0xff20]);

/** Characters spreadsheets skip before reading a formula: whitespace, NBSP, U+3000, zero-width ones, BOM. */
function skippedBeforeFormula(c: number): boolean {
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || c === 0x180e || (c >= 0x2000 && c <= 0x200b) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x2060 || c === 0x3000 || c === 0xfeff
  );
}

/**
 * Prefixes `'` to text a spreadsheet would run as a formula (OWASP CSV injection): starting with `=`,
 * `+`, `-`, `@` or their full-width forms, also after leading whitespace or invisible characters, and
 * text starting with TAB or CR. A plain negative number (`-12.5`, `-1e3`) stays a number.
 * @example neutralized('\u00a0=1+1') // "'\u00a0=1+1"; neutralized('-12.5') // '-12.5'
 */
export function neutralized(s: string): string {
  if (s.length === 0) return s;
  const first = s.charCodeAt(0);
  if (first === 9 || first === 13) return "'" + s;
  let i = 0;
  while (i < s.length && skippedBeforeFormula(s.charCodeAt(i))) i++;
  if (i === s.length || !FORMULA_STARTS.has(s.charCodeAt(i))) return s;
  if (i === 0 && first === 45 && isNumericText(s)) return s;
  return "'" + s;
}

/** Quotes a cell when it contains `"`, `,`, CR or LF, doubling inner quotes (RFC 4180). */
export function csvCell(s: string): string {
  let needsQuotes = false;
  let hasQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      hasQuote = true;
      needsQuotes = true;
      break;
    }
    if (c === 44 || c === 10 || c === 13) needsQuotes = true;
  }
  if (!needsQuotes) return s;
  return '"' + (hasQuote ? s.replaceAll('"', '""') : s) + '"';
}
