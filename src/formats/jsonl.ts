import { jsonRowWriter } from './json-row.js';
import { createRowEncoder } from './row-encoder.js';
import type { EncoderFactory } from './types.js';

/**
 * JSON Lines: one object per line, each ending in `\n`; empty output when there are no rows.
 * @example pipeline(rows, jsonlEncoder({ fields, timezone: 'UTC' }), file)
 */
export const jsonlEncoder: EncoderFactory = (options) => {
  const toJson = jsonRowWriter(options);
  return createRowEncoder({ encodeRow: (row) => toJson(row) + '\n' });
};
