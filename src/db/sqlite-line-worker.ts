import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { bindSplit, type LineContext } from './line-sql.js';
import { CREDITS, lineChunks, PHASE, registerReference, STOP, TooManyLines, type LineJoin } from './sqlite-line-reader.js';

/*
 * A big export's line query, read in a thread of its own: SQLite steps the statement, and the lines are
 * gathered and encoded to UTF-8 here, so the main thread only hashes and writes the bytes (and keeps
 * answering the API). Chunks cross as transferred ArrayBuffers. Backpressure is a credit counter in
 * shared memory: the main thread adds one credit per chunk its stream asks for, and this thread sleeps
 * (Atomics.wait) at zero. A stop flag in the same memory ends the read between two chunks.
 *
 * Split in two (see LineSplit), a leader reads the rows before the boundary and streams them, and a
 * follower reads the rest at the same time into a spill file the main thread appends afterwards. Both
 * read one snapshot: the leader takes the write lock (BEGIN IMMEDIATE on a connection of its own), opens
 * its read transaction, lets the follower open its own, and only then lets the lock go; no commit can
 * fall between the two. The lock is held for as long as the follower takes to open a transaction.
 */

/** One part of the read (see the header). */
export type LineWorkerRole =
  | { readonly kind: 'whole'; readonly sql: string; readonly parameters: readonly unknown[] }
  | {
      readonly kind: 'leader';
      readonly keysAt: { readonly sql: string; readonly parameters: readonly unknown[] };
      readonly before: { readonly sql: string; readonly parameters: readonly unknown[] };
      readonly whole: { readonly sql: string; readonly parameters: readonly unknown[] };
      readonly offset: number;
    }
  | { readonly kind: 'follower'; readonly from: { readonly sql: string; readonly parameters: readonly unknown[] }; readonly spillPath: string };

/** What the main thread hands over (see sqlite-lines.ts). */
export interface LineWorkerData {
  readonly path: string;
  readonly role: LineWorkerRole;
  readonly join: LineJoin;
  readonly reference: LineContext['portableReference'];
  /** Int32Array view: see the indexes below. */
  readonly control: SharedArrayBuffer;
  readonly cacheSize: string;
  readonly busyTimeout: string;
}

/** Messages a line worker posts. */
export type LineWorkerMessage =
  | { type: 'chunk'; bytes: Uint8Array; rows: number }
  /** The leader's boundary keys, for the follower (null: no split, the leader reads everything). */
  | { type: 'boundary'; keys: unknown[] | null }
  /** The follower has its spill file open (the main thread may unlink the name now). */
  | { type: 'opened' }
  /** The follower wrote `bytes` bytes (`rows` lines) to its spill file so far. */
  | { type: 'spilled'; bytes: number; rows: number }
  | { type: 'end'; rows: number }
  | { type: 'tooMany' }
  | { type: 'error'; message: string; code?: string };

/** How long either side of a split waits for the other to open its snapshot. */
const PIN_TIMEOUT_MS = 10_000;

const post = (m: LineWorkerMessage, transfer?: ArrayBuffer[]) => parentPort!.postMessage(m, transfer);

/** Sleeps until control[index] differs from `value` or the stop flag is set; false on timeout. */
function awaitChange(control: Int32Array, index: number, value: number, timeoutMs: number): boolean {
  const until = Date.now() + timeoutMs;
  while (Atomics.load(control, index) === value) {
    if (Atomics.load(control, STOP) !== 0) return false;
    const left = until - Date.now();
    if (left <= 0) return false;
    Atomics.wait(control, index, value, Math.min(left, 200));
  }
  return true;
}

/** Starts a read transaction: its first read fixes the snapshot the rest of the transaction sees. */
function pin(db: BetterSqlite3.Database): void {
  db.exec('BEGIN');
  db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
}

function leaderPin(data: LineWorkerData, db: BetterSqlite3.Database, control: Int32Array): void {
  const lock = new BetterSqlite3(data.path);
  try {
    lock.pragma(data.busyTimeout);
    lock.exec('BEGIN IMMEDIATE');
    try {
      pin(db);
      Atomics.store(control, PHASE, 1);
      Atomics.notify(control, PHASE);
      if (!awaitChange(control, PHASE, 1, PIN_TIMEOUT_MS)) throw new Error('the second reader of a split export did not open its snapshot in time');
    } finally {
      lock.exec('ROLLBACK');
    }
  } finally {
    lock.close();
  }
}

/** The next message from the main thread (the follower waits for the boundary this way). */
const nextMessage = () => new Promise<unknown>((resolve) => parentPort!.once('message', resolve));

async function main(data: LineWorkerData): Promise<void> {
  const control = new Int32Array(data.control);
  const db = new BetterSqlite3(data.path, { readonly: true });
  const rows = { n: 0 };
  try {
    db.pragma(data.busyTimeout);
    db.pragma(data.cacheSize);
    const { createLineReference } = (await import(data.reference.module)) as { createLineReference(o: unknown): LineContext['reference'] };
    registerReference(db, createLineReference(data.reference.options));
    const role = data.role;
    if (role.kind === 'follower') {
      const fd = openSync(role.spillPath, 'a');
      try {
        post({ type: 'opened' });
        if (!awaitChange(control, PHASE, 0, PIN_TIMEOUT_MS)) return;
        pin(db);
        Atomics.store(control, PHASE, 2);
        Atomics.notify(control, PHASE);
        const { keys } = (await nextMessage()) as { keys: unknown[] | null };
        if (keys) spill(db, role.from.sql, bindSplit(role.from.parameters, keys), fd, data.join, rows, control);
      } finally {
        closeSync(fd);
      }
    } else {
      let query: { sql: string; parameters: readonly unknown[] } = role.kind === 'whole' ? role : role.whole;
      if (role.kind === 'leader') {
        leaderPin(data, db, control);
        const keys = db.prepare(role.keysAt.sql).raw(true).get(...bindSplit(role.keysAt.parameters, [], role.offset)) as unknown[] | undefined;
        post({ type: 'boundary', keys: keys ?? null });
        if (keys) query = { sql: role.before.sql, parameters: bindSplit(role.before.parameters, keys) };
      }
      if (!stream(db, query.sql, query.parameters, data.join, rows, control)) return;
    }
    if (Atomics.load(control, STOP) === 0) post({ type: 'end', rows: rows.n });
  } catch (err) {
    if (err instanceof TooManyLines) post({ type: 'tooMany' });
    else post({ type: 'error', message: (err as Error).message, code: (err as { code?: string }).code });
  } finally {
    db.close();
  }
}

/** Sends the lines as chunks, one per credit; false when stopped. */
function stream(db: BetterSqlite3.Database, sql: string, parameters: readonly unknown[], join: LineJoin, rows: { n: number }, control: Int32Array): boolean {
  const encoder = new TextEncoder();
  for (const chunk of lineChunks(db, sql, parameters, join, rows)) {
    // Wait for a credit; the stop flag (set with a notify to wake this thread) wins.
    while (Atomics.load(control, CREDITS) <= 0 && Atomics.load(control, STOP) === 0) Atomics.wait(control, CREDITS, 0, 1000);
    if (Atomics.load(control, STOP) !== 0) return false;
    Atomics.sub(control, CREDITS, 1);
    const bytes = encoder.encode(chunk);
    post({ type: 'chunk', bytes, rows: rows.n }, [bytes.buffer as ArrayBuffer]);
  }
  return true;
}

/** Writes the lines to the spill file, saying after each chunk how far it got. */
function spill(db: BetterSqlite3.Database, sql: string, parameters: readonly unknown[], fd: number, join: LineJoin, rows: { n: number }, control: Int32Array): void {
  let bytes = 0;
  for (const chunk of lineChunks(db, sql, parameters, join, rows)) {
    if (Atomics.load(control, STOP) !== 0) return;
    const buf = Buffer.from(chunk, 'utf8');
    for (let at = 0; at < buf.length; ) at += writeSync(fd, buf, at);
    bytes += buf.length;
    post({ type: 'spilled', bytes, rows: rows.n });
  }
}

if (parentPort) void main(workerData as LineWorkerData);
