import { jsonRowWriter } from './json-row.js';
import { createRowEncoder } from './row-encoder.js';
import type { EncoderFactory } from './types.js';

/**
 * One JSON array: `[` + rows separated by `,\n` + `]`; exactly `[]` when there are no rows.
 * @example pipeline(rows, jsonEncoder({ fields, timezone: 'UTC' }), file)
 */
export const jsonEncoder: EncoderFactory = (options) => {
  const toJson = jsonRowWriter(options);
  return createRowEncoder({
    encodeRow: (row, index) => (index === 0 ? '[\n' : ',\n') + toJson(row),
    tail: (count) => (count === 0 ? '[]' : '\n]'),
  });
};
