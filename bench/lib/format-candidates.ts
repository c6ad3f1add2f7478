/*
 * The libraries that were measured against the chosen ones (bench/README.md has the numbers). They are
 * not dependencies: `npm i --no-save <package>` to run their cases. Each builds the same typed columns
 * as Sluice's encoder for its format, as far as the library can, writing into a Node stream.
 */
import { Readable, Transform, Writable, type Duplex } from 'node:stream';
import type { FieldDef, Row } from '../../src/datasets/types.js';
import { createLibraryEncoder } from '../../src/formats/library-encoder.js';
import { parquetEncoder } from '../../src/formats/parquet.js';
import { booleanValue, jsonText, timestampMs } from '../../src/formats/values.js';

/** Builds an encoder (rows in, bytes out) for `fields`. */
export type CandidateFactory = (fields: readonly FieldDef[]) => Promise<Duplex>;

/** Loads an optional package by name, or fails with the install line. */
async function optional(name: string): Promise<any> {
  try {
    return await import(name);
  } catch {
    throw new Error(`${name} is not installed: npm i --no-save ${name}`);
  }
}

const ROW_GROUP = 65_536;

/** hyparquet-writer (the chosen writer) with zstd pages from zstd-napi instead of snappy. */
export const hyparquetZstd: CandidateFactory = async (fields) => {
  const zstd = await optional('zstd-napi');
  return parquetEncoder({ fields }, { codec: 'ZSTD', compressors: { ZSTD: (input: Uint8Array) => zstd.compress(input, { compressionLevel: 3 }) } });
};

/** parquet-wasm (Rust's parquet crate in WebAssembly) fed Arrow record batches built with apache-arrow. */
export const parquetWasm = (codec: 'SNAPPY' | 'ZSTD'): CandidateFactory => async (fields) => {
  const arrow = await optional('apache-arrow');
  const pw = await optional('parquet-wasm');
  const types: Record<string, () => unknown> = {
    timestamp: () => new arrow.TimestampMillisecond('UTC'),
    integer: () => new arrow.Int64(),
    number: () => new arrow.Float64(),
    boolean: () => new arrow.Bool(),
  };
  const schema = new arrow.Schema(fields.map((f) => new arrow.Field(f.name, (types[f.type] ?? (() => new arrow.Utf8()))(), true)));
  const convert = (f: FieldDef, v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    if (f.type === 'timestamp') return timestampMs(v);
    if (f.type === 'integer') return BigInt(v as number);
    if (f.type === 'boolean') return booleanValue(v);
    if (f.type === 'json') return jsonText(v);
    return v;
  };
  let pending: Row[] = [];
  let enqueue!: (batch: unknown) => void;
  let close!: () => void;
  const batches = new ReadableStream({
    start(controller) {
      enqueue = (b) => controller.enqueue(b);
      close = () => controller.close();
    },
  });
  const toBatch = (rows: Row[]) => {
    const columns = Object.fromEntries(
      fields.map((f) => [f.name, arrow.vectorFromArray(rows.map((r) => convert(f, r[f.name])), schema.fields.find((x: { name: string }) => x.name === f.name).type)]),
    );
    const table = new arrow.Table(columns);
    return pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')).recordBatch(0);
  };
  const props = new pw.WriterPropertiesBuilder().setCompression(codec === 'ZSTD' ? pw.Compression.ZSTD : pw.Compression.SNAPPY).setMaxRowGroupSize(ROW_GROUP).build();
  return createLibraryEncoder((sink) => {
    // The writer reads the first batch (for the schema) before it hands out its byte stream: not awaited here.
    const done = pw.transformParquetStream(batches, props).then(
      (out: ReadableStream<Uint8Array>) => new Promise((resolve, reject) => Readable.fromWeb(out as never).pipe(sink.stream).on('finish', resolve).on('error', reject)),
    );
    return {
      write(rows) {
        pending.push(...rows);
        if (pending.length >= ROW_GROUP) {
          enqueue(toBatch(pending));
          pending = [];
        }
      },
      async end() {
        if (pending.length) enqueue(toBatch(pending));
        close();
        await done;
      },
    };
  });
};

/** @dsnp/parquetjs: one awaited appendRow per row into its own stream writer. */
export const dsnpParquetjs: CandidateFactory = async (fields) => {
  const pq = await optional('@dsnp/parquetjs');
  const types: Record<string, string> = { timestamp: 'TIMESTAMP_MILLIS', integer: 'INT64', number: 'DOUBLE', boolean: 'BOOLEAN', json: 'JSON', date: 'DATE' };
  const schema = new pq.ParquetSchema(Object.fromEntries(fields.map((f) => [f.name, { type: types[f.type] ?? 'UTF8', optional: true, compression: 'SNAPPY' }])));
  return createLibraryEncoder((sink) => {
    const opened = pq.ParquetWriter.openStream(schema, sink.stream, { rowGroupSize: ROW_GROUP });
    return {
      async write(rows) {
        const writer = await opened;
        for (const row of rows) {
          const r: Row = {};
          for (const f of fields) {
            const v = row[f.name];
            if (v === null || v === undefined) continue;
            r[f.name] = f.type === 'timestamp' ? new Date(timestampMs(v)!) : f.type === 'boolean' ? booleanValue(v) : f.type === 'integer' ? BigInt(v as number) : v;
          }
          await writer.appendRow(r);
        }
      },
      async end() {
        await (await opened).close();
      },
    };
  });
};

/** write-excel-file: builds the whole sheet in memory, then writes it (no streaming input). */
export const writeExcelFile: CandidateFactory = async (fields) => {
  const mod = await optional('write-excel-file/node');
  const write = mod.default ?? mod;
  const data: unknown[][] = [fields.map((f) => ({ value: f.name, fontWeight: 'bold' }))];
  return createLibraryEncoder((sink) => ({
    write(rows) {
      for (const row of rows) data.push(fields.map((f) => cell(f, row[f.name])));
    },
    async end() {
      await write(data, { stickyRowsCount: 1 }).toStream(sink.stream);
    },
  }));
};

/** xlsx-write-stream: a Transform of value arrays, no styles (so no bold or frozen header). */
export const xlsxWriteStream: CandidateFactory = async (fields) => {
  const mod = await optional('xlsx-write-stream');
  const XLSXTransformStream = mod.default?.default ?? mod.default ?? mod;
  const xlsx: Transform = new XLSXTransformStream();
  return createLibraryEncoder((sink) => {
    xlsx.pipe(sink.stream);
    const done = new Promise((resolve, reject) => sink.stream.on('finish', resolve).on('error', reject));
    xlsx.write(fields.map((f) => f.name));
    return {
      async write(rows) {
        for (const row of rows) {
          if (!xlsx.write(fields.map((f) => plain(f, row[f.name])))) await new Promise((r) => xlsx.once('drain', r));
        }
      },
      async end() {
        xlsx.end();
        await done;
      },
    };
  });
};

function plain(f: FieldDef, v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (f.type === 'timestamp') return new Date(timestampMs(v)!);
  if (f.type === 'json') return jsonText(v);
  if (f.type === 'boolean') return String(booleanValue(v));
  return v;
}

function cell(f: FieldDef, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (f.type === 'timestamp') return { value: new Date(timestampMs(v)!), format: 'yyyy-mm-dd hh:mm:ss' };
  if (f.type === 'boolean') return { value: booleanValue(v), type: Boolean };
  if (f.type === 'json') return { value: jsonText(v) };
  return { value: v };
}

/** A sink that counts bytes, for cases that should not measure the disk. */
export function countingSink(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      sink.bytes += chunk.length;
      cb();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}
