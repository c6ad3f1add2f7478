import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { setImmediate } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Expr, LineContext, LineDialect, LineFraming, LineSql, LineStream } from './line-sql.js';
import { CHUNK_CHARS, lineChunks, registerReference, TooManyLines } from './sqlite-line-reader.js';
import { CREDITS, STOP, type LineWorkerData, type LineWorkerMessage } from './sqlite-line-worker.js';

/*
 * SQLite writes each line: the cell expressions below run inside SQLite, and the statement is read
 * with `.pluck()` (one string per row, no row object). What plain SQL cannot match exactly is done by
 * the row path's own JavaScript, registered as SQL functions on the reader connection: zone offsets,
 * numbers whose SQLite text has an exponent (`1.0e+21` vs `1e+21`), the HMAC of pseudonyms, and formula
 * neutralization of the few cells whose first character could start or hide a formula.
 */

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
  };
}

/**
 * Exports expected to hold at least this many rows are read in a thread of their own (see
 * sqlite-line-worker.ts): starting the thread costs some milliseconds, a big export then gains the main
 * thread's share of the work (and the API its event loop).
 */
export const THREAD_MIN_ROWS = 50_000;

/** Chunks a line worker may have in flight beyond what the stream asked for. */
const WORKER_CREDITS = 2;

/** How a reader connection is opened, for a thread that opens its own. */
export interface ReaderSettings {
  readonly path: string;
  readonly cacheSize: string;
  readonly busyTimeout: string;
}

/**
 * The SQLite line capability. `open` gives the connection to read on (a read-only one of its own in WAL
 * mode, which sees one snapshot for the whole statement) and `close` gives it back; `reader` says how to
 * open such a connection in a worker thread (absent for an in-memory database, which has no file to share).
 */
export function sqliteLines(open: () => BetterSqlite3.Database, close: (db: BetterSqlite3.Database) => void, reader?: ReaderSettings): LineDialect {
  return {
    sql: lineSql,
    stream(query, ctx, framing) {
      if (reader && (ctx.estimatedRows ?? 0) >= THREAD_MIN_ROWS) return threadStream(reader, query.sql, query.parameters, ctx, framing);
      return inlineStream(open, close, query.sql, query.parameters, ctx, framing);
    },
  };
}

/** Reads on the main thread, one event-loop turn per chunk so the API keeps answering. */
function inlineStream(open: () => BetterSqlite3.Database, close: (db: BetterSqlite3.Database) => void, text: string, parameters: readonly unknown[], ctx: LineContext, framing: LineFraming): LineStream {
  const rows = { n: 0 };
  async function* chunks(): AsyncGenerator<string> {
    const db = open();
    try {
      registerReference(db, ctx.reference);
      try {
        for (const chunk of lineChunks(db, text, parameters, framing, rows, framing.head)) {
          yield chunk;
          // better-sqlite3 steps the statement on the main thread; a sink that takes chunks at once
          // (gzip with members free) would otherwise let it run for megabytes without a break.
          await setImmediate();
        }
      } catch (err) {
        throw err instanceof TooManyLines ? framing.tooMany() : err;
      }
      const tail = framing.tail?.(rows.n) ?? '';
      if (tail.length > 0) yield tail;
    } finally {
      close(db);
    }
  }
  // Pulled one chunk at a time: a full sink stops the statement between chunks (backpressure).
  const body = Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_CHARS });
  return { body, rows: () => rows.n };
}

/** The worker's file beside this one (.ts under tsx in development and tests, .js when compiled). */
function startWorker(data: LineWorkerData): Worker {
  const url = new URL(`./sqlite-line-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (url.pathname.endsWith('.js')) return new Worker(url, { workerData: data });
  // TypeScript sources (tests, `npm run dev`): the thread registers tsx's loader before importing the worker.
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { eval: true, workerData: data });
}

/** Reads in a worker thread; the stream asks it for chunks (credits) and stops it when destroyed. */
function threadStream(reader: ReaderSettings, text: string, parameters: readonly unknown[], ctx: LineContext, framing: LineFraming): LineStream {
  const control = new Int32Array(new SharedArrayBuffer(8));
  let rows = 0;
  let settled = false;
  const signal = (index: number) => {
    Atomics.add(control, index, 1);
    Atomics.notify(control, CREDITS);
  };
  const worker = startWorker({
    ...reader,
    sql: text,
    parameters,
    join: { first: framing.first, between: framing.between, terminator: framing.terminator, limit: framing.limit },
    reference: ctx.portableReference,
    control: control.buffer as SharedArrayBuffer,
  });
  const body = new Readable({
    highWaterMark: CHUNK_CHARS,
    read() {
      signal(CREDITS);
    },
    destroy(err, cb) {
      // Ends the read between two chunks; the thread closes its connection and exits by itself.
      if (!settled) signal(STOP);
      settled = true;
      cb(err);
    },
  });
  if (framing.head) body.push(framing.head);
  Atomics.store(control, CREDITS, WORKER_CREDITS);
  worker.on('message', (m: LineWorkerMessage) => {
    if (settled) return;
    if (m.type === 'chunk') {
      rows = m.rows;
      body.push(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
    } else if (m.type === 'end') {
      rows = m.rows;
      settled = true;
      const tail = framing.tail?.(rows);
      if (tail) body.push(tail);
      body.push(null);
    } else {
      settled = true;
      body.destroy(m.type === 'tooMany' ? framing.tooMany() : Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
    }
  });
  worker.on('error', (err) => {
    if (settled) return;
    settled = true;
    body.destroy(err);
  });
  worker.on('exit', (code) => {
    // Messages posted before the exit are delivered first; give them one more turn all the same.
    setImmediate().then(() => {
      if (settled) return;
      settled = true;
      body.destroy(new Error(`the export's reader thread stopped (exit code ${code})`));
    });
  });
  return { body, rows: () => rows };
}
