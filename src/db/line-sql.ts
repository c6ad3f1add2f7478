import type { CompiledQuery, RawBuilder } from 'kysely';
import type { Readable } from 'node:stream';
import type { InlineSums } from './snapshot.js';

/*
 * The fast-path seam: the database writes each output line itself (one text column per row) and
 * JavaScript only moves the text to the blob store. Each dialect implements the cell expressions so
 * that they produce, byte for byte, what the row-by-row encoders in src/formats produce for the same
 * values (the reference; a test compares both paths).
 */

/** What a line query needs to know beyond its columns: the export's zone and the org's pseudonym key. */
export interface LineContext {
  /** IANA zone for timestamps (UTC gives `…Z`). */
  readonly timezone: string;
  /** True for the zones the row path writes as `…Z`. */
  readonly utc: boolean;
  /** Per-org key of `anon_…` pseudonyms (HMAC-SHA256). */
  readonly pseudonymKey: string;
  /**
   * The row path's own functions, for dialects that can call JavaScript from SQL (SQLite) where SQL
   * alone cannot match it exactly (zone offsets, the rare exponent forms of numbers, HMAC).
   */
  readonly reference: {
    timestamp(ms: number): string;
    pseudonym(value: string): string;
    csvNumber(value: unknown): string;
    jsonlNumber(value: unknown): string;
    /** Formula neutralization of a text cell (before quoting). */
    neutralized(text: string): string;
  };
  /** The code points formula neutralization looks at, for dialects that write it in SQL. */
  readonly formula: {
    /** What a formula starts with (`=`, `+`, `-`, `@` and their full-width forms). */
    readonly starts: readonly number[];
    /** What spreadsheets skip before a formula (whitespace, zero-width characters, BOM). */
    readonly lead: readonly number[];
  };
}

/** A SQL expression over the query's own columns (e.g. `r.created_at`), as a Kysely fragment. */
export type Expr = RawBuilder<unknown>;

/** Cell expressions of one dialect: each takes a column expression and gives text (never NULL). */
export interface LineSql {
  /** `anon_<16 hex>` of a non-null value, NULL for NULL (then formatted as the field's type). */
  pseudonym(value: Expr): Expr;
  csv: CellSql & {
    /** Text cell: `''` for NULL; formula-neutralized when asked; RFC 4180 quoting. */
    string(value: Expr, neutralize: boolean): Expr;
  };
  jsonl: CellSql & {
    /** A JSON string, or `null`. */
    string(value: Expr): Expr;
  };
  /** Joins cell texts into one text. */
  concat(parts: readonly Expr[]): Expr;
  /** A text literal. */
  literal(text: string): Expr;
  /** A column the manifest sums, as it travels after the line (see InlineSums). */
  summed(value: Expr): Expr;
}

/** Cells whose text is the same kind in both formats, apart from NULL (`''` in CSV, `null` in JSON). */
export interface CellSql {
  /** Epoch ms → ISO 8601 in the context's zone (quoted in JSON). */
  timestamp(value: Expr): Expr;
  /** A number as JavaScript's `String(n)` writes it. */
  number(value: Expr): Expr;
  /** Stored 0/1 → `true` / `false`. */
  boolean(value: Expr): Expr;
  /** Stored JSON text as is (it was written by JSON.stringify at ingest). */
  json(value: Expr): Expr;
}

/**
 * How the lines become the file: text before them, before the first and each later line, after each
 * one and after them all, and the row limit. CSV: head = header, terminator `\r\n`; JSONL: terminator
 * `\n`; a JSON array: first `[\n`, between `,\n`, tail `\n]` (or `[]` when there are no lines).
 */
export interface LineFraming {
  readonly head: string;
  /** Before the first line (default ''). */
  readonly first?: string;
  /** Before every line after the first (default ''). */
  readonly between?: string;
  readonly terminator: string;
  /** After the last line, given how many lines there were (default none). */
  tail?(rows: number): string;
  /** Fail the stream with `tooMany()` once the query yields more rows than this. */
  readonly limit: number;
  tooMany(): Error;
}

/** A byte stream of a whole file that also says how many rows (lines) it has passed on so far. */
export interface LineStream {
  readonly body: Readable;
  rows(): number;
  /** The lines are made on this thread (SQLite steps its statement here), not by another process. */
  readonly madeOnThisThread: boolean;
}

/** The dialect capability: cell expressions plus running a one-text-column query as a byte stream. */
export interface LineDialect {
  sql(ctx: LineContext): LineSql;
  /**
   * How cells that read one joined parent are formatted once per parent rather than per row (see
   * byte-stream.ts), by the row's own key (`rowid`, `ctid`): `materialized`, every parent of the org in a
   * materialized CTE joined back on the key (SQLite); `lateral`, a LATERAL subquery on the key behind an
   * `OFFSET 0` fence, whose results the planner's Memoize keeps per key (PostgreSQL).
   */
  readonly parentCells?: { readonly rowKey: string; readonly join: 'materialized' | 'lateral' };
  /**
   * Streams `query` (the line without terminator as its first column, then the `sums` columns) as the
   * file's bytes, with backpressure, on a connection of its own that reads one snapshot and is released
   * when the stream ends, fails or is destroyed. The sums are added up from the rows as they pass, so
   * they describe exactly the file, with no aggregate before the first line.
   */
  stream(query: CompiledQuery, ctx: LineContext, framing: LineFraming, sums?: InlineSums): LineStream;
}
