/*
 * Encoders alone: realistic workflow-run rows (bench/lib/export-rows.ts, 15 fields of every type) in
 * batches → encoder → a file, each case in its own process so its peak RSS is its own. Compares the
 * chosen Parquet and XLSX writers with the candidates they were picked over and with CSV, at 200,000
 * and 1,000,000 rows (memory must not grow between the two), and snappy against zstd pages.
 *
 *   npm run bench -- formats       (SLUICE_BENCH_ROWS sets the large size; SLUICE_BENCH_CASES picks cases)
 *
 * The candidates' packages are not dependencies: `npm i --no-save zstd-napi parquet-wasm apache-arrow
 * @dsnp/parquetjs@1.8.8 write-excel-file xlsx-write-stream` first, or their cases report the install line.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadEncoder, type Format } from '../src/formats/index.js';
import { parquetEncoder } from '../src/formats/parquet.js';
import { runCases, type Case } from './lib/cases.js';
import { BENCH_FIELDS, benchRows } from './lib/export-rows.js';
import * as candidates from './lib/format-candidates.js';

const LARGE = Number(process.env.SLUICE_BENCH_ROWS ?? 1_000_000);
const SMALL = Math.round(LARGE / 5);

/** One encoder over `rows` rows into a temp file: time, CPU and file size. */
const encode = (rows: number, make: () => Duplex | Promise<Duplex>): Case => async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-formats-bench-'));
  const file = join(dir, 'out');
  try {
    const t = performance.now();
    const cpu = process.cpuUsage();
    await pipeline(Readable.from(benchRows(rows), { objectMode: true, highWaterMark: 1 }), await make(), createWriteStream(file));
    const used = process.cpuUsage(cpu);
    return { rows, seconds: (performance.now() - t) / 1000, cpuSeconds: (used.user + used.system) / 1e6, notes: `${(statSync(file).size / 1e6).toFixed(1)} MB file` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const sluice = (format: Format) => async () => (await loadEncoder(format))({ fields: BENCH_FIELDS, timezone: 'Europe/Berlin' });
const n = (rows: number) => (rows >= 1e6 ? `${rows / 1e6}M` : `${rows / 1e3}k`);

await runCases(import.meta.filename, `Encoders alone, workflow_runs rows (${BENCH_FIELDS.length} fields), into a local file`, {
  [`rows only (no encoder) ${n(LARGE)}`]: encode(LARGE, () => new PassThrough({ writableObjectMode: true, transform: (_batch, _enc, cb) => cb() })),
  [`csv ${n(LARGE)} (reference)`]: encode(LARGE, sluice('csv')),
  [`parquet hyparquet-writer snappy ${n(SMALL)}`]: encode(SMALL, sluice('parquet')),
  [`parquet hyparquet-writer snappy ${n(LARGE)}`]: encode(LARGE, sluice('parquet')),
  [`parquet hyparquet-writer snappy, 32k-row groups ${n(LARGE)}`]: encode(LARGE, () => parquetEncoder({ fields: BENCH_FIELDS, rowGroupRows: 32_768 })),
  [`parquet hyparquet-writer snappy, 64k-row groups ${n(LARGE)}`]: encode(LARGE, () => parquetEncoder({ fields: BENCH_FIELDS, rowGroupRows: 65_536 })),
  [`parquet hyparquet-writer snappy, 128k-row groups ${n(LARGE)}`]: encode(LARGE, () => parquetEncoder({ fields: BENCH_FIELDS, rowGroupRows: 131_072 })),
  [`parquet hyparquet-writer zstd ${n(LARGE)}`]: encode(LARGE, () => candidates.hyparquetZstd(BENCH_FIELDS)),
  [`parquet parquet-wasm snappy ${n(LARGE)}`]: encode(LARGE, () => candidates.parquetWasm('SNAPPY')(BENCH_FIELDS)),
  [`parquet parquet-wasm zstd ${n(LARGE)}`]: encode(LARGE, () => candidates.parquetWasm('ZSTD')(BENCH_FIELDS)),
  [`parquet @dsnp/parquetjs snappy ${n(LARGE)}`]: encode(LARGE, () => candidates.dsnpParquetjs(BENCH_FIELDS)),
  [`xlsx exceljs ${n(SMALL)}`]: encode(SMALL, sluice('xlsx')),
  [`xlsx exceljs ${n(LARGE)}`]: encode(LARGE, sluice('xlsx')),
  [`xlsx write-excel-file ${n(SMALL)}`]: encode(SMALL, () => candidates.writeExcelFile(BENCH_FIELDS)),
  // At 1M rows it holds every cell object in memory before writing: past 50 minutes on the 2-core box, not run by default.
  ...(process.env.SLUICE_BENCH_SLOW ? { [`xlsx write-excel-file ${n(LARGE)}`]: encode(LARGE, () => candidates.writeExcelFile(BENCH_FIELDS)) } : {}),
  [`xlsx xlsx-write-stream (no styles) ${n(LARGE)}`]: encode(LARGE, () => candidates.xlsxWriteStream(BENCH_FIELDS)),
});
