import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FieldDef, FieldType } from '../../src/datasets/types.js';
import { loadEncoder, type EncoderOptions, type Format } from '../../src/formats/index.js';

/** A field definition for encoder tests. */
export const field = (name: string, type: FieldType = 'string'): FieldDef => ({ name, type, description: name, pii: false, default: true, group: 'Test' });

/** One field of every type, in the order the typed-format tests read them back. */
export const TYPED_FIELDS: readonly FieldDef[] = [
  field('id'),
  field('runs', 'integer'),
  field('cost', 'number'),
  field('ok', 'boolean'),
  field('at', 'timestamp'),
  field('day', 'date'),
  field('meta', 'json'),
];

/** Runs rows (or batches of rows) through a format's encoder (UTC unless told) and returns the file's bytes. */
export async function encodeToBuffer(format: Format, rows: unknown[], options: Partial<EncoderOptions> & Pick<EncoderOptions, 'fields'>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    Readable.from(rows),
    (await loadEncoder(format))({ timezone: 'UTC', ...options }),
    new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }),
  );
  return Buffer.concat(chunks);
}
