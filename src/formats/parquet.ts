import type { Duplex } from 'node:stream';
import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import type { FieldDef } from '../datasets/types.js';
import { createLibraryEncoder, type ByteSink } from './library-encoder.js';
import { DEFAULT_COMPRESSION, type ParquetCompression } from './parquet-codec.js';
import { unencodable } from './unencodable.js';
import { booleanValue, dateMs, integerValue, numberValue, stringText, timestampMs } from './values.js';

/**
 * Rows per row group. A row group is held in memory as columns until it is written, so this bounds
 * memory. Through the engine (1M SQLite workflow runs, bench/README.md) 32k-row groups let the heap
 * creep up with the export's length (peak RSS 285 MB at 660k rows, 306 MB at 1M); 16k-row groups, with
 * repeated texts shared and timestamps kept as numbers (below), peak at 209 MB for 200k rows and 214 MB
 * for 1M, for a file 3% larger.
 */
export const PARQUET_ROW_GROUP_ROWS = 16_384;

/** Distinct texts per column and row group that share one string (see parquetEncoder). */
const INTERNED_TEXTS = 4_096;

const DAY_MS = 86_400_000;

/**
 * The library writes into this buffer; each flush (one per row group) hands the bytes downstream, and
 * the library waits for the returned promise before it encodes the next group.
 */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: ByteSink) {
    super(1 << 20);
  }
  flush(): Promise<void> {
    const done = this.sink.write(this.getBytes());
    this.index = 0;
    return done;
  }
  override finish(): Promise<void> {
    return this.flush();
  }
}

/** One field as a Parquet column: its schema element and how a row value becomes a column value. */
interface ColumnPlan {
  readonly element: SchemaElement;
  readonly value: (v: unknown, row: number) => unknown;
}

/**
 * Apache Parquet: one typed column per field (timestamps as TIMESTAMP(MILLIS, UTC), integers as INT64,
 * numbers as DOUBLE, booleans, UTF8 strings, dates as DATE, JSON as JSON-typed UTF8), nulls as nulls.
 * Rows are buffered into columns and written one row group at a time, so memory does not grow with the
 * export. Values are stored as they are: formula neutralization is for spreadsheets.
 * @example pipeline(rows, parquetEncoder({ fields, timezone: 'UTC' }), file)
 */
export function parquetEncoder(
  options: { readonly fields: readonly FieldDef[]; readonly rowGroupRows?: number },
  compression: ParquetCompression = DEFAULT_COMPRESSION,
): Duplex {
  const groupRows = options.rowGroupRows ?? PARQUET_ROW_GROUP_ROWS;
  const plans = options.fields.map(columnPlan);
  const names = options.fields.map((f) => f.name);
  return createLibraryEncoder((sink) => {
    const writer = new SinkWriter(sink);
    const parquet = new ParquetWriter({
      writer,
      schema: [{ name: 'root', num_children: plans.length }, ...plans.map((p) => p.element)],
      codec: compression.codec,
      compressors: compression.compressors,
      createdBy: 'sluice',
    });
    let columns: unknown[][] = plans.map(() => []);
    // Each database row brings its own copy of a repeated text (a workflow's name on every run of it);
    // a row group keeps one, so the copies die young instead of filling the old generation, whose
    // growth is what made peak RSS rise with the export's length.
    let texts: Map<string, string>[] = plans.map(() => new Map());
    let buffered = 0;
    let written = 0;
    const writeGroup = async () => {
      if (buffered === 0) return;
      const columnData = plans.map((p, i) => ({ name: p.element.name, data: columns[i] as ColumnSource['data'] }));
      written += buffered;
      const rowGroupSize = buffered;
      columns = plans.map(() => []);
      texts = plans.map(() => new Map());
      buffered = 0;
      await parquet.write({ columnData, rowGroupSize });
    };
    return {
      async write(rows) {
        for (const row of rows) {
          for (let i = 0; i < plans.length; i++) {
            const v = plans[i].value(row[names[i]], written + buffered);
            columns[i].push(typeof v === 'string' ? shared(texts[i], v) : v);
          }
          if (++buffered >= groupRows) await writeGroup();
        }
      },
      async end() {
        await writeGroup();
        await parquet.finish();
      },
    };
  });
}

/** The row group's copy of `text` (remembered while the column has fewer than INTERNED_TEXTS distinct ones). */
function shared(seen: Map<string, string>, text: string): string {
  const known = seen.get(text);
  if (known !== undefined) return known;
  if (seen.size < INTERNED_TEXTS) seen.set(text, text);
  return text;
}

function columnPlan(field: FieldDef): ColumnPlan {
  const optional = { name: field.name, repetition_type: 'OPTIONAL' } as const;
  const bad = (v: unknown, row: number) => unencodable('Parquet', field, v, row);
  switch (field.type) {
    case 'timestamp':
      return {
        // Both annotations: the logical type for current readers, the converted type for older ones.
        element: { ...optional, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } },
        value: (v, row) => {
          const ms = timestampMs(v);
          if (ms === null) return null;
          // A number, not a BigInt: the writer converts the group's values when it writes them, so no
          // BigInt per cell lives as long as the row group.
          return Number.isFinite(ms) ? Math.floor(ms) : bad(v, row);
        },
      };
    case 'integer':
      return {
        element: { ...optional, type: 'INT64' },
        value: (v, row) => {
          const n = integerValue(v);
          return n === undefined ? bad(v, row) : n;
        },
      };
    case 'number':
      return {
        element: { ...optional, type: 'DOUBLE' },
        value: (v, row) => {
          const n = numberValue(v);
          return n === null || !Number.isNaN(n) ? n : bad(v, row);
        },
      };
    case 'boolean':
      return { element: { ...optional, type: 'BOOLEAN' }, value: booleanValue };
    case 'date':
      return {
        element: { ...optional, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } },
        value: (v, row) => {
          const ms = dateMs(v);
          if (ms === null) return null;
          return Number.isFinite(ms) ? ms / DAY_MS : bad(v, row);
        },
      };
    case 'json':
      return {
        // DuckDB and older readers look at the converted type, current ones at the logical type. With
        // either, the writer serializes the parsed value itself (the same JSON.stringify text CSV carries).
        element: { ...optional, type: 'BYTE_ARRAY', converted_type: 'JSON', logical_type: { type: 'JSON' } },
        value: (v) => (v === undefined ? null : v),
      };
    case 'string':
    default:
      return {
        element: { ...optional, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
        value: (v) => (v === null || v === undefined ? null : stringText(v)),
      };
  }
}
