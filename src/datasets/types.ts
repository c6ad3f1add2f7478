import type { Store } from '../db/database.js';
import type { DatasetKind, FieldType, FilterName, Scope } from '../contract/vocabulary.js';
import type { LineStream } from '../db/line-sql.js';
import type { EncoderOptions, Format } from '../formats/types.js';

// The public vocabulary of the catalogue is the contract's.
export type { DatasetKind, FieldType, FilterName, Scope } from '../contract/vocabulary.js';

/** One exportable column. The description feeds /v1/datasets, the OpenAPI document and the console. */
export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  /** One line, shown to users. */
  readonly description: string;
  /** Personal data (names, emails, free text about a person): hidden when user-level data is off. */
  readonly pii: boolean;
  /** Included when the request names no fields. */
  readonly default: boolean;
  /** Console grouping, e.g. "Workflow", "User", "Run". */
  readonly group: string;
  /** PII identifiers only: when user-level data is off, a stable per-org pseudonym (`anon_…`) instead of null. */
  readonly pseudonym?: boolean;
  /** Usage datasets: the column a `group_by` value adds; default-on only when the request groups by it. */
  readonly groupBy?: string;
  /**
   * Text that names a person only when its row belongs to a personal workspace (user-level data off):
   * 'label' → "Personal workspace of anon_…" (the workspace's name), 'hide' → null (names of things in it).
   */
  readonly personalSpace?: 'label' | 'hide';
}


/** A validated request for rows, already resolved to instants and the caller's identity. */
export interface DatasetQuery {
  readonly orgId: string;
  readonly scope: Scope;
  /** The caller; personal scope keeps only rows this user created or ran. */
  readonly userId: string;
  /** Inclusive start, epoch ms. */
  readonly from: number;
  /** Exclusive end, epoch ms. */
  readonly to: number;
  /** IANA zone used for date-only periods and for `date` fields. */
  readonly timezone: string;
  /** Team selection (organization scope). Empty/undefined with includePersonalWorkspaces=false and allWorkspaces=true means every workspace. */
  readonly workspaceIds?: readonly string[];
  readonly includePersonalWorkspaces?: boolean;
  readonly entityIds?: readonly string[];
  readonly category?: string;
  /** Credit logs: only entries attributed to these permission groups. */
  readonly permissionGroupIds?: readonly string[];
  readonly groupBy?: string;
  /** Org setting: when false, PII fields are emitted as null or as stable pseudonyms. */
  readonly userLevelData: boolean;
  /** Per-org secret for HMAC pseudonyms. */
  readonly pseudonymKey: string;
  /** The fields the caller will read (from `resolveFields`); lets rows skip unrequested work such as JSON parsing. Undefined = all. */
  readonly fields?: readonly string[];
  /**
   * Drains: read by change sequence instead of time order — rows with `after < seq <= upTo`, in
   * sequence order, at most `limit`, each with its sequence as `_sequence`. Record datasets only.
   */
  readonly sequence?: { readonly after: number; readonly upTo?: number; readonly limit: number };
}

/** Row values: timestamps as epoch ms, dates as `YYYY-MM-DD`, json as parsed values. Keys are field names. */
export type Row = Record<string, unknown>;

/** A dataset of the catalogue: what it exports, what it accepts, and how its rows are read. */
export interface Dataset {
  readonly name: string;
  readonly title: string;
  /** One line, shown in the console's export-type step. */
  readonly description: string;
  readonly kind: DatasetKind;
  readonly fields: readonly FieldDef[];
  readonly filters: readonly FilterName[];
  /** Allowed `group_by` values (usage datasets); empty when group_by is not supported. */
  readonly groupBy: readonly string[];
  /** Scopes this dataset can be exported in. */
  readonly scopes: readonly Scope[];
  /** True for datasets that ignore team selection (credit logs). */
  readonly orgWide: boolean;
  /** Record datasets: the table whose change sequence orders them (drains read only these). */
  readonly sequenceTable?: string;
  /** Streams rows in a stable order, never loading them all; `fields` limits what is computed when it helps. */
  rows(store: Store, query: DatasetQuery): AsyncIterable<Row>;
  /**
   * The same rows in batches (what exports read: no per-row promise). With `sums` (record datasets), the
   * sums of those fields over exactly these rows are added up as they pass, and read once the last has.
   */
  batches(store: Store, query: DatasetQuery, sums?: SnapshotSums): AsyncIterable<Row[]>;
  /**
   * The whole encoded file as bytes the database writes itself (the fast path), or null when this
   * dataset, format, field set or database has none; then the export encodes `batches` row by row.
   * Both paths write identical files.
   */
  byteStream?(store: Store, query: DatasetQuery, encoding: ByteEncoding): LineStream | null;
  /** The number of rows `rows` would yield (for estimates, limits and 404-when-empty). */
  count(store: Store, query: DatasetQuery): Promise<number>;
}

/** What a fast-path file is encoded as: the row encoders' options plus the format and the row limit. */
export interface ByteEncoding extends EncoderOptions {
  readonly format: Format;
  /** The stream fails with `tooMany()` past this many rows (as the row path's counter does). */
  readonly limit: number;
  tooMany(): Error;
  /** Sums over exactly the file's rows, read in the stream's own snapshot (as `batches` reads them). */
  readonly sums?: SnapshotSums;
  /** About how many rows the export has (its count at start), for choices that pay off only on big files. */
  readonly estimatedRows?: number;
}

/**
 * Sums of numeric fields over the rows a stream yields (a manifest's totals), taken from those rows as
 * they pass: rows ingested or changed while (or after) the file is written are in neither.
 */
export interface SnapshotSums {
  readonly fields: readonly string[];
  /** Called once with each field's sum (0 when there are no rows), before the stream ends. */
  read(sums: Record<string, number>): void;
}
