import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { sql } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Expr, LineContext, LineDialect, LineFraming, LineSql } from './line-sql.js';
import { TrailingSums, type InlineSums } from './snapshot.js';

/*
 * SQLite writes each line: the cell expressions below run inside SQLite, and the statement is read
 * with `.pluck()` (one string per row, no row object). What plain SQL cannot match exactly is done by
 * the row path's own JavaScript, registered as SQL functions on the reader connection: zone offsets,
 * numbers whose SQLite text has an exponent (`1.0e+21` vs `1e+21`), the HMAC of pseudonyms, and formula
 * neutralization of the few cells whose first character could start or hide a formula.
 */

/** Push once this many UTF-16 units are collected (as the row encoders do). */
const CHUNK_CHARS = 64 * 1024;
const NULL = sql.lit(null);

/** `x` if not NULL, else `ifNull`; `x` is repeated in `then`, SQLite evaluates a column reference cheaply. */
const whenNull = (x: Expr, ifNull: string, then: Expr): Expr => sql`CASE WHEN ${x} IS NULL THEN ${sql.lit(ifNull)} ELSE ${then} END`;

/** RFC 4180 quoting of a non-null text, as `csvCell` does. */
const csvQuoted = (v: Expr): Expr =>
  // printf's %w doubles every `"` in one pass (replace() then two concatenations copied the text three times).
  sql`CASE WHEN instr(${v}, '"') > 0 THEN printf('"%w"', ${v}) WHEN instr(${v}, ',') > 0 OR instr(${v}, char(10)) > 0 OR instr(${v}, char(13)) > 0 THEN '"' || ${v} || '"' ELSE ${v} END`;

/**
 * `String(n)` of a REAL. A whole number below 2^53 is its integer's text (SQLite writes `5.0` where
 * JavaScript writes `5`). SQLite writes other numbers with 15 significant digits when those round-trip,
 * which is then JavaScript's shortest form too, and with 17 otherwise, where JavaScript may need only
 * 16 (`0.7999999999999999`): a text of 18 characters or more, or with an exponent, goes to the row
 * path's function. Each CAST to text formats the double again, so the common cases cast at most thrice.
 */
const realText = (x: Expr, fallback: string): Expr =>
  sql`CASE WHEN ${x} = 0 THEN '0' WHEN ${x} = CAST(${x} AS INTEGER) AND abs(${x}) < 9007199254740992 THEN CAST(CAST(${x} AS INTEGER) AS TEXT) WHEN length(CAST(${x} AS TEXT)) >= 18 OR instr(CAST(${x} AS TEXT), 'e') > 0 THEN ${sql.raw(fallback)}(${x}) ELSE CAST(${x} AS TEXT) END`;

const numberCell = (x: Expr, ifNull: string, fallback: string): Expr =>
  sql`CASE typeof(${x}) WHEN 'null' THEN ${sql.lit(ifNull)} WHEN 'integer' THEN CAST(${x} AS TEXT) WHEN 'real' THEN ${realText(x, fallback)} ELSE ${sql.raw(fallback)}(${x}) END`;

/**
 * Epoch ms → `YYYY-MM-DDTHH:mm:ss.sssZ`. SQLite turns the seconds back into whole milliseconds
 * (rounding to nearest), so `%f` shows the stored milliseconds exactly, before 1970 too.
 */
const utcTimestamp = (x: Expr): Expr => sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${x} / 1000.0, 'unixepoch')`;

function lineSql(ctx: LineContext): LineSql {
  const timestamp = (x: Expr): Expr => (ctx.utc ? utcTimestamp(x) : sql`sluice_timestamp(${x})`);
  const boolean = (x: Expr, ifNull: string): Expr => sql`CASE WHEN ${x} IS NULL THEN ${sql.lit(ifNull)} WHEN ${x} <> 0 THEN 'true' ELSE 'false' END`;
  // Integer literals: SQLite builds the IN list's lookup once per statement and tests each cell's first
  // code point against it; a list of char() calls was evaluated per cell, and per use of the cell.
  const suspects = sql.raw([...ctx.formula.lead, ...ctx.formula.starts].join(', '));
  return {
    pseudonym: (x) => sql`CASE WHEN ${x} IS NULL THEN ${NULL} ELSE sluice_pseudonym(${x}) END`,
    csv: {
      string(x, neutralize) {
        if (!neutralize) return whenNull(x, '', csvQuoted(x));
        // Only a cell whose first character could start (or hide) a formula goes to the row path's
        // function; every other cell is quoted straight from the column (quoting reads its text 6 times).
        return sql`CASE WHEN ${x} IS NULL THEN '' WHEN unicode(${x}) IN (${suspects}) THEN ${csvQuoted(sql`sluice_neutralized(${x})`)} ELSE ${csvQuoted(x)} END`;
      },
      timestamp: (x) => whenNull(x, '', timestamp(x)),
      number: (x) => numberCell(x, '', 'sluice_csv_number'),
      boolean: (x) => boolean(x, ''),
      json: (x) => sql`CASE WHEN ${x} IS NULL OR ${x} = 'null' THEN '' ELSE ${csvQuoted(x)} END`,
    },
    jsonl: {
      string: (x) => whenNull(x, 'null', sql`json_quote(${x})`),
      timestamp: (x) => whenNull(x, 'null', sql`'"' || ${timestamp(x)} || '"'`),
      number: (x) => numberCell(x, 'null', 'sluice_jsonl_number'),
      boolean: (x) => boolean(x, 'null'),
      json: (x) => sql`coalesce(${x}, 'null')`,
    },
    // One concat() allocates the line once; a chain of `||` copied the growing line at every step.
    concat: (parts) => (parts.length === 0 ? sql.lit('') : parts.length === 1 ? parts[0] : sql`concat(${sql.join(parts)})`),
    literal: (text) => sql.lit(text),
    summed: (x) => x,
  };
}

/** The reference functions the cell expressions call, on the connection that runs the line query. */
function registerReference(db: BetterSqlite3.Database, ctx: LineContext): void {
  const opts = { deterministic: true, varargs: false } as const;
  db.function('sluice_timestamp', opts, (ms: unknown) => ctx.reference.timestamp(Number(ms)));
  db.function('sluice_pseudonym', opts, (v: unknown) => ctx.reference.pseudonym(String(v)));
  db.function('sluice_csv_number', opts, (v: unknown) => ctx.reference.csvNumber(v));
  db.function('sluice_jsonl_number', opts, (v: unknown) => ctx.reference.jsonlNumber(v));
  db.function('sluice_neutralized', opts, (v: unknown) => ctx.reference.neutralized(String(v)));
}

/**
 * The SQLite line capability. `open` gives the connection to read on (a read-only one of its own in WAL
 * mode, which sees one snapshot for the whole statement: lines, sums and parent cells alike) and
 * `close` gives it back.
 */
export function sqliteLines(open: () => BetterSqlite3.Database, close: (db: BetterSqlite3.Database) => void): LineDialect {
  return {
    sql: lineSql,
    parentCells: { rowKey: 'rowid', join: 'materialized' },
    stream(query, ctx, framing: LineFraming, inline?: InlineSums) {
      let rows = 0;
      async function* chunks(): AsyncGenerator<string> {
        const reader = open();
        try {
          registerReference(reader, ctx);
          const statement = reader.prepare(query.sql);
          const params = query.parameters as unknown[];
          // With sums, each row is [line, …summed columns]; without, the line alone (no row array).
          const lines = (inline ? statement.raw(true) : statement.pluck(true)).iterate(...params) as IterableIterator<string | unknown[]>;
          const totals = inline && new TrailingSums(inline, 1);
          let chunk = framing.head;
          const first = framing.first ?? '';
          const between = framing.between ?? '';
          try {
            for (const row of lines) {
              if (++rows > framing.limit) throw framing.tooMany();
              let line: string;
              if (typeof row === 'string') line = row;
              else {
                line = row[0] as string;
                totals?.add(row);
              }
              chunk += (rows === 1 ? first : between) + line + framing.terminator;
              if (chunk.length >= CHUNK_CHARS) {
                yield chunk;
                chunk = '';
                // better-sqlite3 steps the statement on the main thread; a sink that takes chunks at once
                // (gzip with members free) would otherwise let it run for megabytes without a break.
                // One turn of the event loop per 64 KiB keeps the API answering while an export runs.
                await setImmediate();
              }
            }
          } finally {
            lines.return?.();
          }
          totals?.finish();
          chunk += framing.tail?.(rows) ?? '';
          if (chunk.length > 0) yield chunk;
        } finally {
          close(reader);
        }
      }
      // Pulled one chunk at a time: a full sink stops the statement between chunks (backpressure).
      const body = Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_CHARS });
      return { body, rows: () => rows, madeOnThisThread: true };
    },
  };
}
