import type { Row } from './types.js';

/** Rows read per batch from the database (and handed down the export pipeline at once). */
export const BATCH_SIZE = 500;

/** Groups a row stream into arrays of up to `size` (for datasets whose rows are few, e.g. usage). */
export async function* toBatches(rows: AsyncIterable<Row>, size = BATCH_SIZE): AsyncIterable<Row[]> {
  let batch: Row[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The rows of a batch stream, one at a time. */
export async function* flatten(batches: AsyncIterable<Row[]>): AsyncIterable<Row> {
  for await (const batch of batches) yield* batch;
}
