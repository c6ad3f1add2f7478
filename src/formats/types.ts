import type { Duplex } from 'node:stream';
import type { FieldDef } from '../datasets/types.js';

export { FORMATS, type Format } from '../contract/vocabulary.js';

/** Excel's data rows per sheet (1,048,576 rows less the header); XLSX exports continue on the next sheet. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;

export interface EncoderOptions {
  /** The chosen fields, in the chosen order: the CSV header and the JSON keys. */
  readonly fields: readonly FieldDef[];
  /** IANA zone for timestamps: UTC gives `…Z`, others give the zone's offset, e.g. `+01:00`; XLSX shows local wall time. */
  readonly timezone: string;
  /** CSV and XLSX: prefix text cells that a spreadsheet would run as formulas (default true). Numbers are never touched. */
  readonly neutralizeFormulas?: boolean;
  /** CSV: start with a UTF-8 BOM for Excel (default false). */
  readonly bom?: boolean;
  /** XLSX: data rows per sheet before the next sheet starts (default and maximum: Excel's 1,048,575). */
  readonly sheetRowLimit?: number;
  /** Parquet: rows per row group (default in parquet.ts, chosen by bench/formats.bench.ts). */
  readonly rowGroupRows?: number;
}

/** Builds an object-mode-in, bytes-out Transform for one format. */
export type EncoderFactory = (options: EncoderOptions) => Duplex;

/** What the rest of Sluice needs to know about a format: how to write it and how to serve it. */
export interface FormatSpec {
  /** Loads the format's encoder (its library is imported on first use). */
  readonly encoder: () => Promise<EncoderFactory>;
  /** Content-Type of the uncompressed file. */
  readonly contentType: string;
  /** File extension without the dot. */
  readonly extension: string;
  /** The file is compressed inside already (Parquet pages, the XLSX zip): gzip on top gains nothing and breaks readers. */
  readonly compressed: boolean;
}
