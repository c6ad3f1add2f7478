import { csvEncoder } from './csv.js';
import type { Compression } from './gzip.js';
import { jsonEncoder } from './json.js';
import { jsonlEncoder } from './jsonl.js';
import type { EncoderFactory, Format } from './types.js';

export { FORMATS, type EncoderFactory, type EncoderOptions, type Format } from './types.js';
export { createGzipStream, type Compression } from './gzip.js';
export { isUtcZone, timestampFormatter } from './timestamps.js';
export { csvCellWriter, csvHead, FORMULA_LEAD, FORMULA_STARTS, neutralized } from './csv.js';
export { jsonValueWriter } from './json-row.js';

/** The encoder of each format. */
export const encoders: Readonly<Record<Format, EncoderFactory>> = Object.freeze({
  csv: csvEncoder,
  json: jsonEncoder,
  jsonl: jsonlEncoder,
});

const CONTENT_TYPES: Readonly<Record<Format, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

/**
 * The Content-Type of an uncompressed file in `format`.
 * @example contentType('csv') // 'text/csv; charset=utf-8'
 */
export function contentType(format: Format, compression: Compression = 'none'): string {
  return compression === 'gzip' ? 'application/gzip' : CONTENT_TYPES[format];
}

/**
 * The file extension, with the dot: `.csv`, `.jsonl.gz`, …
 * @example fileExtension('json', 'gzip') // '.json.gz'
 */
export function fileExtension(format: Format, compression: Compression = 'none'): string {
  return `.${format}${compression === 'gzip' ? '.gz' : ''}`;
}
