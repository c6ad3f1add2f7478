import type { Transform } from 'node:stream';
import type { FieldDef } from '../datasets/types.js';

export { FORMATS, type Format } from '../contract/vocabulary.js';

export interface EncoderOptions {
  /** The chosen fields, in the chosen order: the CSV header and the JSON keys. */
  readonly fields: readonly FieldDef[];
  /** IANA zone for timestamps: UTC gives `…Z`, others give the zone's offset, e.g. `+01:00`. */
  readonly timezone: string;
  /** CSV: prefix cells that a spreadsheet would run as formulas (default true). Numbers are never touched. */
  readonly neutralizeFormulas?: boolean;
  /** CSV: start with a UTF-8 BOM for Excel (default false). */
  readonly bom?: boolean;
}

/** Builds an object-mode-in, bytes-out Transform for one format. */
export type EncoderFactory = (options: EncoderOptions) => Transform;
