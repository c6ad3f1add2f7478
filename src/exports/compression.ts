import { Unprocessable } from '../errors.js';
import { isCompressedFormat, type Compression, type Format } from '../formats/index.js';

/**
 * Refuses gzip for formats that are compressed inside already (Parquet, XLSX): a gzipped one would no
 * longer open in the tools it is for, and would not get smaller.
 * @example checkCompression('parquet', 'gzip') // throws 422
 */
export function checkCompression(format: Format, compression: Compression): void {
  if (compression === 'gzip' && isCompressedFormat(format)) {
    throw new Unprocessable(`${format} files are already compressed, so gzip is not available for them; send compression "none" (or leave it out)`, {
      field: 'compression',
    });
  }
}
