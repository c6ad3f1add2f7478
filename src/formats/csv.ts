import type { FieldDef } from '../datasets/types.js';
import { createRowEncoder } from './row-encoder.js';
import { timestampFormatter, type TimestampFormatter } from './timestamps.js';
import type { EncoderFactory, EncoderOptions } from './types.js';
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
  return createRowEncoder({
    head: csvHead(options),
    encodeRow(row) {
      let line = n > 0 ? writers[0](row[names[0]]) : '';
      for (let i = 1; i < n; i++) line += ',' + writers[i](row[names[i]]);
      return line + '\r\n';
    },
  });
};

/** What a CSV file starts with: the BOM when asked, then the header line. */
export function csvHead(options: Pick<EncoderOptions, 'fields' | 'bom'>): string {
  return (options.bom ? '\uFEFF' : '') + options.fields.map((f) => csvCell(f.name)).join(',') + '\r\n';
}

/**
 * One cell's final CSV text for a field, exactly as the encoder writes it (fast paths call this where
 * the database cannot match it, so both paths stay byte-identical).
 * @example csvCellWriter({ name: 'n', type: 'number' } as FieldDef, 'UTC', true)(5) // '5'
 */
export function csvCellWriter(field: Pick<FieldDef, 'type'>, timezone: string, neutralize: boolean): CellWriter {
  return cellWriter(field, timestampFormatter(timezone), neutralize);
}

function cellWriter(field: Pick<FieldDef, 'type'>, timestamps: TimestampFormatter, neutralize: boolean): CellWriter {
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

/** First characters of a formula: = + - @ and their full-width forms ＝ ＋ － ＠, which spreadsheets also accept. */
export const FORMULA_STARTS: readonly number[] = [61, 43, 45, 64, 0xff1d, 0xff0b, 0xff0d, 0xff20];

/** Characters spreadsheets skip before reading a formula: whitespace, NBSP, U+3000, zero-width ones, BOM. */
export const FORMULA_LEAD: readonly number[] = [
  9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x180e, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009,
  0x200a, 0x200b, 0x2028, 0x2029, 0x202f, 0x205f, 0x2060, 0x3000, 0xfeff,
];

const STARTS = new Set(FORMULA_STARTS);
const LEAD = new Set(FORMULA_LEAD);

/**
 * Prefixes `'` to text a spreadsheet would run as a formula (OWASP CSV injection): starting with `=`,
 * `+`, `-`, `@` or their full-width forms, also after leading whitespace or invisible characters, and
 * text starting with TAB or CR. A plain negative number (`-12.5`, `-1e3`) stays a number. The fast
 * paths write the same in SQL (src/db/sqlite-lines.ts, src/db/postgres-lines.ts).
 * @example neutralized('\u00a0=1+1') // "'\u00a0=1+1"; neutralized('-12.5') // '-12.5'
 */
export function neutralized(s: string): string {
  if (s.length === 0) return s;
  const first = s.charCodeAt(0);
  if (first === 9 || first === 13) return "'" + s;
  let i = 0;
  while (i < s.length && LEAD.has(s.charCodeAt(i))) i++;
  if (i === s.length || !STARTS.has(s.charCodeAt(i))) return s;
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
