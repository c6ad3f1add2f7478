import { Transform, type TransformCallback } from 'node:stream';
import type { Row } from '../datasets/types.js';

/** What differs between formats: text per row, and text around the rows. */
export interface RowEncoding {
  /** Text before the first row (e.g. BOM + header). */
  readonly head?: string;
  /** Text of one row, including its separator/terminator as the format wants it. */
  encodeRow(row: Row, index: number): string;
  /** Text after the last row, given how many rows there were. */
  tail?(rowCount: number): string;
}

/** Push once this many UTF-16 units are buffered: one Buffer per ~64 KiB, not one per row or cell. */
const FLUSH_CHARS = 64 * 1024;

/**
 * Object-mode-in (rows or arrays of rows), bytes-out Transform. Rows are appended to a string and pushed in ~64 KiB chunks;
 * Transform's callback protocol gives backpressure (no new row is taken while the reader is full).
 * @example pipeline(Readable.from(rows), createRowEncoder({ encodeRow: (r) => JSON.stringify(r) + '\n' }), sink)
 */
export function createRowEncoder(encoding: RowEncoding): Transform {
  let pending = encoding.head ?? '';
  let count = 0;
  return new Transform({
    writableObjectMode: true,
    readableObjectMode: false,
    // A chunk may be a whole batch of rows: buffer only a few, so a slow sink holds back the database.
    writableHighWaterMark: 2,
    // A chunk is one row or a batch of rows (sources read batches to keep per-row overhead low).
    transform(chunk: Row | Row[], _enc: BufferEncoding, callback: TransformCallback) {
      try {
        if (Array.isArray(chunk)) {
          for (let i = 0; i < chunk.length; i++) {
            pending += encoding.encodeRow(chunk[i], count++);
            if (pending.length >= FLUSH_CHARS) {
              this.push(pending, 'utf8');
              pending = '';
            }
          }
        } else {
          pending += encoding.encodeRow(chunk, count++);
        }
      } catch (err) {
        callback(err as Error);
        return;
      }
      if (pending.length >= FLUSH_CHARS) {
        const chunk = pending;
        pending = '';
        this.push(chunk, 'utf8');
      }
      callback();
    },
    flush(callback: TransformCallback) {
      try {
        pending += encoding.tail?.(count) ?? '';
      } catch (err) {
        callback(err as Error);
        return;
      }
      if (pending.length > 0) this.push(pending, 'utf8');
      pending = '';
      callback();
    },
  });
}
