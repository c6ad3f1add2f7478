import { describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.js';
import { contentType, fileExtension, loadEncoder, isCompressedFormat } from '../src/formats/index.js';
import { encodeToBuffer, field, TYPED_FIELDS } from './helpers/encode.js';
import { readParquet } from './helpers/readers.js';

const fields = TYPED_FIELDS;

describe('Parquet encoder, read back with DuckDB', () => {
  it('writes one typed column per field, with the logical types readers rely on', async () => {
    const file = await readParquet(await encodeToBuffer('parquet', [], { fields }));
    expect(file.columns).toEqual([
      { name: 'id', type: 'VARCHAR' },
      { name: 'runs', type: 'BIGINT' },
      { name: 'cost', type: 'DOUBLE' },
      { name: 'ok', type: 'BOOLEAN' },
      { name: 'at', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'day', type: 'DATE' },
      { name: 'meta', type: 'JSON' },
    ]);
    expect(file.rows).toEqual([]);
    expect(file.schema.at.logical_type).toMatch(/^TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=/);
    expect(file.schema.at.converted_type).toBe('TIMESTAMP_MILLIS');
    expect(file.schema.day.logical_type).toBe('DateType()');
    expect(file.schema.meta.logical_type).toBe('JsonType()');
    expect(file.schema.id.converted_type).toBe('UTF8');
  });

  it('stores the values of both databases (SQLite numbers and 0/1, PostgreSQL numeric text) as typed values, nulls as nulls', async () => {
    const rows = [
      { id: 'r1', runs: 3, cost: 2.5, ok: 1, at: Date.UTC(2025, 0, 2, 3, 4, 5, 6), day: '2025-03-01', meta: { a: [1, 'x,y'] } },
      { id: '=HYPERLINK("x")', runs: '12345678901234567', cost: '-0.25', ok: 'f', at: '1735787045006', day: '2024-02-29', meta: 'text' },
      { id: null, runs: null, cost: null, ok: null, at: null, day: null, meta: null },
    ];
    const { rows: read } = await readParquet(await encodeToBuffer('parquet', [rows], { fields, timezone: 'Europe/Berlin' }));
    expect(read).toEqual([
      { id: 'r1', runs: 3n, cost: 2.5, ok: true, at: new Date('2025-01-02T03:04:05.006Z'), day: new Date('2025-03-01T00:00:00Z'), meta: '{"a":[1,"x,y"]}' },
      // Parquet is not a spreadsheet: text is stored verbatim, never neutralized; the zone does not move instants.
      { id: '=HYPERLINK("x")', runs: 12345678901234567n, cost: -0.25, ok: false, at: new Date('2025-01-02T03:04:05.006Z'), day: new Date('2024-02-29T00:00:00Z'), meta: '"text"' },
      { id: null, runs: null, cost: null, ok: null, at: null, day: null, meta: null },
    ]);
  });

  it('writes row groups of the configured size, keeping order across them', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, runs: i }));
    const file = await readParquet(await encodeToBuffer('parquet', [rows.slice(0, 4), rows.slice(4)], { fields: fields.slice(0, 2), rowGroupRows: 3 }));
    expect(file.rowGroups).toBe(4);
    expect(file.rows.map((r) => r.id)).toEqual(rows.map((r) => r.id));
  });

  it('refuses a value its column type cannot hold, naming the field and row', async () => {
    const err = await encodeToBuffer('parquet', [[{ cost: 1 }, { cost: 'n/a' }]], { fields: [field('cost', 'number')] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toBe("Parquet cannot store 'n/a' in number field cost (row 2); export as CSV or JSON instead");
  });

  it('holds back its writer when nobody reads (backpressure)', async () => {
    const encoder = (await loadEncoder('parquet'))({ fields: [field('id')], timezone: 'UTC', rowGroupRows: 100 });
    let accepted = 0;
    const batch = Array.from({ length: 100 }, (_, i) => ({ id: `row-${i}-${'x'.repeat(200)}` }));
    while (encoder.write(batch) && accepted < 10_000) accepted++;
    expect(accepted).toBeLessThan(10); // a few batches are buffered, then writes report "full"
    encoder.destroy();
  });

  it('is served as application/vnd.apache.parquet with a .parquet name and counts as compressed', () => {
    expect(contentType('parquet')).toBe('application/vnd.apache.parquet');
    expect(fileExtension('parquet')).toBe('.parquet');
    expect(isCompressedFormat('parquet')).toBe(true);
    expect(isCompressedFormat('csv')).toBe(false);
  });
});
