import type { ParquetWriteOptions } from 'hyparquet-writer';

/** A page codec and the compressor functions the writer needs for it. */
export interface ParquetCompression {
  readonly codec: NonNullable<ParquetWriteOptions['codec']>;
  readonly compressors?: ParquetWriteOptions['compressors'];
}

/**
 * Page compression of Parquet files: snappy, built into the writer. Chosen by measurement
 * (`npm run bench -- formats`, numbers in bench/README.md), where zstd is measured beside it.
 */
export const DEFAULT_COMPRESSION: ParquetCompression = { codec: 'SNAPPY' };
