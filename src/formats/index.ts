import { csvEncoder } from './csv.js';
import type { Compression } from './gzip.js';
import { jsonEncoder } from './json.js';
import { jsonlEncoder } from './jsonl.js';
import type { EncoderFactory, Format, FormatSpec } from './types.js';

export { FORMATS, type EncoderFactory, type EncoderOptions, type Format, type FormatSpec } from './types.js';
export { createGzipStream, type Compression } from './gzip.js';
export { isUtcZone, timestampFormatter } from './timestamps.js';
export { csvCellWriter, csvHead, FORMULA_LEAD, FORMULA_STARTS, neutralized } from './csv.js';
export { jsonValueWriter } from './json-row.js';
export { XLSX_MAX_DATA_ROWS } from './types.js';

/** The format registry: every format Sluice writes, with its encoder and how its files are served. */
export const formats: Readonly<Record<Format, FormatSpec>> = Object.freeze({
  csv: { encoder: async () => csvEncoder, contentType: 'text/csv; charset=utf-8', extension: 'csv', compressed: false },
  json: { encoder: async () => jsonEncoder, contentType: 'application/json; charset=utf-8', extension: 'json', compressed: false },
  jsonl: { encoder: async () => jsonlEncoder, contentType: 'application/x-ndjson; charset=utf-8', extension: 'jsonl', compressed: false },
  parquet: { encoder: async () => (await import('./parquet.js')).parquetEncoder, contentType: 'application/vnd.apache.parquet', extension: 'parquet', compressed: true },
  xlsx: { encoder: async () => (await import('./xlsx.js')).xlsxEncoder, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx', compressed: true },
});

/**
 * The encoder of `format`. Parquet's and XLSX's libraries load on first use: imported at start they
 * added ~30 MB to every serving process, most of which never writes either format.
 * @example pipeline(rows, (await loadEncoder('csv'))(opts), file)
 */
export function loadEncoder(format: Format): Promise<EncoderFactory> {
  return formats[format].encoder();
}

/**
 * The Content-Type of a file in `format`.
 * @example contentType('csv') // 'text/csv; charset=utf-8'
 */
export function contentType(format: Format, compression: Compression = 'none'): string {
  return compression === 'gzip' ? 'application/gzip' : formats[format].contentType;
}

/**
 * The file extension, with the dot: `.csv`, `.jsonl.gz`, `.parquet`, …
 * @example fileExtension('json', 'gzip') // '.json.gz'
 */
export function fileExtension(format: Format, compression: Compression = 'none'): string {
  return `.${formats[format].extension}${compression === 'gzip' ? '.gz' : ''}`;
}

/**
 * True when files of `format` are compressed inside already, so gzip is refused for them.
 * @example isCompressedFormat('parquet') // true
 */
export function isCompressedFormat(format: Format): boolean {
  return formats[format].compressed;
}
