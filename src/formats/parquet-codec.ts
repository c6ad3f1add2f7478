import type { ParquetWriteOptions } from 'hyparquet-writer';

/**
 * Page compression of Parquet files. Snappy, built into the writer, was chosen by measurement
 * (bench/formats.bench.ts, numbers in bench/README.md): see there for zstd's size and speed.
 */
export const PARQUET_CODEC: NonNullable<ParquetWriteOptions['codec']> = 'SNAPPY';

/** Extra compressors the writer needs for PARQUET_CODEC (none: snappy is built in). */
export const parquetCompression: ParquetWriteOptions['compressors'] = {};
