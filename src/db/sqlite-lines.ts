import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { setImmediate } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { sql, type CompiledQuery } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Expr, LineContext, LineDialect, LineFraming, LineSplit, LineSql, LineStream } from './line-sql.js';
import { CHUNK_CHARS, CREDITS, lineChunks, PHASE, registerReference, STOP, TooManyLines } from './sqlite-line-reader.js';
import type { LineWorkerData, LineWorkerMessage } from './sqlite-line-worker.js';

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
 * When an export is read off the main thread, by its estimated rows (tests lower them to reach both
 * readers on small data). `thread`: one worker thread (sqlite-line-worker.ts); starting it costs some
 * milliseconds, a big export then gains the main thread's share of the work and the API its event loop.
 * `split`: two threads reading halves of the order at once, where the machine has more than one core.
 */
export const READER_THRESHOLDS = { thread: 50_000, split: 200_000 };

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
    stream(query, ctx, framing, split) {
      if (reader && (ctx.estimatedRows ?? 0) >= READER_THRESHOLDS.thread) return threadStream(reader, query, ctx, framing, split);
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

/** A worker's messages, in order, for a generator to await one by one. */
function inbox(worker: Worker): { next(): Promise<LineWorkerMessage | { type: 'gone'; error: Error }> } {
  const queue: (LineWorkerMessage | { type: 'gone'; error: Error })[] = [];
  let wake: (() => void) | undefined;
  const put = (m: (typeof queue)[number]) => {
    queue.push(m);
    wake?.();
    wake = undefined;
  };
  worker.on('message', put);
  worker.on('error', (error) => put({ type: 'gone', error }));
  // Messages posted before the exit are delivered first; one more turn all the same.
  worker.on('exit', (code) => void setImmediate().then(() => put({ type: 'gone', error: new Error(`the export's reader thread stopped (exit code ${code})`) })));
  return {
    async next() {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return queue.shift()!;
    },
  };
}

/** A worker's failure as the error the runner classifies (a SQLite code stays a code). */
function failure(m: LineWorkerMessage | { type: 'gone'; error: Error }, framing: LineFraming): Error {
  if (m.type === 'gone') return m.error;
  if (m.type === 'tooMany') return framing.tooMany();
  if (m.type === 'error') return Object.assign(new Error(m.message), m.code ? { code: m.code } : {});
  return new Error(`unexpected message from the export's reader thread: ${m.type}`);
}

/**
 * Reads in worker threads: one streams its chunks as the stream asks for them (credits); split in two,
 * a second reads the rest of the order at the same time into a spill file beside the database, which
 * follows the first part's last chunk. Destroying the stream stops both between two chunks.
 */
function threadStream(reader: ReaderSettings, query: CompiledQuery, ctx: LineContext, framing: LineFraming, split: LineSplit | undefined): LineStream {
  const control = new Int32Array(new SharedArrayBuffer(12));
  const lineJoin = { first: framing.first, between: framing.between, terminator: framing.terminator, limit: framing.limit };
  const base = { ...reader, join: lineJoin, reference: ctx.portableReference, control: control.buffer as SharedArrayBuffer };
  const plain = (q: CompiledQuery) => ({ sql: q.sql, parameters: q.parameters });
  // Halves only where a line's text does not depend on its position (CSV, JSONL: no first/between).
  const halves = split && (ctx.estimatedRows ?? 0) >= READER_THRESHOLDS.split && !framing.first && !framing.between && availableParallelism() > 1;
  const spillPath = join(dirname(reader.path), `.sluice-spill-${randomBytes(12).toString('hex')}`);
  const counts = { lead: 0, rest: 0 };
  const grant = (n: number) => {
    Atomics.add(control, CREDITS, n);
    Atomics.notify(control, CREDITS);
  };

  async function* chunks(): AsyncGenerator<Buffer | string> {
    const lead = startWorker({
      ...base,
      role: halves ? { kind: 'leader', keysAt: plain(split.keysAt), before: plain(split.before), whole: plain(query), offset: Math.floor(ctx.estimatedRows! / 2) } : { kind: 'whole', ...plain(query) },
    });
    const leader = inbox(lead);
    let rest: { worker: Worker; bytes: number; ended: boolean; error?: Error; changed?: () => void } | undefined;
    let spillFile: Awaited<ReturnType<typeof open>> | undefined;
    try {
      if (halves) {
        spillFile = await open(spillPath, 'wx+');
        const worker = startWorker({ ...base, role: { kind: 'follower', from: plain(split.from), spillPath } });
        const r = (rest = { worker, bytes: 0, ended: false as boolean, error: undefined as Error | undefined, changed: undefined as (() => void) | undefined });
        const settle = (error?: Error) => {
          if (!r.ended && !r.error) r.error = error;
          r.changed?.();
        };
        worker.on('message', (m: LineWorkerMessage) => {
          // The name goes as soon as the thread holds the file: a killed process leaves nothing behind.
          if (m.type === 'opened') void unlink(spillPath).catch(() => {});
          else if (m.type === 'spilled') (r.bytes = m.bytes), (counts.rest = m.rows);
          else if (m.type === 'end') (counts.rest = m.rows), (r.ended = true);
          else return settle(failure(m, framing));
          r.changed?.();
        });
        worker.on('error', (err) => settle(err));
        worker.on('exit', (code) => void setImmediate().then(() => settle(new Error(`the export's second reader thread stopped (exit code ${code})`))));
      }
      if (framing.head) yield framing.head;
      grant(WORKER_CREDITS);
      for (;;) {
        const m = await leader.next();
        if (m.type === 'chunk') {
          counts.lead = m.rows;
          if (counts.lead + counts.rest > framing.limit) throw framing.tooMany();
          yield Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
          grant(1);
        } else if (m.type === 'boundary') {
          rest?.worker.postMessage({ keys: m.keys });
        } else if (m.type === 'end') {
          counts.lead = m.rows;
          break;
        } else {
          throw failure(m, framing);
        }
      }
      if (rest && spillFile) {
        // The second half, as far as its thread has written it, until it has written everything.
        let at = 0;
        for (;;) {
          if (rest.error) throw rest.error;
          if (counts.lead + counts.rest > framing.limit) throw framing.tooMany();
          if (rest.bytes > at) {
            const buf = Buffer.allocUnsafe(Math.min(rest.bytes - at, SPILL_READ));
            const { bytesRead } = await spillFile.read(buf, 0, buf.length, at);
            at += bytesRead;
            yield buf.subarray(0, bytesRead);
          } else if (rest.ended) {
            break;
          } else {
            await new Promise<void>((resolve) => (rest!.changed = resolve));
          }
        }
      }
      const tail = framing.tail?.(counts.lead + counts.rest);
      if (tail) yield tail;
    } finally {
      // Both threads end between two chunks, close their connections and exit by themselves.
      Atomics.store(control, STOP, 1);
      Atomics.notify(control, CREDITS);
      Atomics.notify(control, PHASE);
      rest?.worker.postMessage({ keys: null });
      await spillFile?.close().catch(() => {});
      if (spillFile) await unlink(spillPath).catch(() => {});
    }
  }
  const body = Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_CHARS });
  return { body, rows: () => counts.lead + counts.rest };
}

/** How much of the spill file one read hands on. */
const SPILL_READ = 1024 * 1024;
