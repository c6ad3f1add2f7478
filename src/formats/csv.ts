import type { FieldDef } from '../datasets/types.js';
import { createRowEncoder } from './row-encoder.js';
import { timestampFormatter, type TimestampFormatter } from './timestamps.js';
import type { EncoderFactory, EncoderOptions } from './types.js';
import { booleanValue, jsonText, numberText, stringText, timestampText } from './values.js';

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

/** Prefixes `'` to text starting with `=`, `+`, `-`, `@`, TAB or CR (OWASP CSV injection). */
export function neutralized(s: string): string {
  if (s.length === 0) return s;
  const c = s.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13 ? "'" + s : s;
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
