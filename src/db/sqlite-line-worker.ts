import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { LineContext } from './line-sql.js';
import { lineChunks, registerReference, TooManyLines, type LineJoin } from './sqlite-line-reader.js';

/*
 * A big export's line query, read in a thread of its own: SQLite steps the statement, and the lines are
 * gathered and encoded to UTF-8 here, so the main thread only hashes and writes the bytes (and keeps
 * answering the API). Chunks cross as transferred ArrayBuffers. Backpressure is a credit counter in
 * shared memory: the main thread adds one credit per chunk its stream asks for, and this thread sleeps
 * (Atomics.wait) at zero. A stop flag in the same memory ends the read between two chunks.
 */

/** What the main thread hands over (see sqlite-lines.ts). */
export interface LineWorkerData {
  readonly path: string;
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly join: LineJoin;
  readonly reference: LineContext['portableReference'];
  /** Int32Array view: [credits, stop]. */
  readonly control: SharedArrayBuffer;
  readonly cacheSize: string;
  readonly busyTimeout: string;
}

/** Messages this thread posts. */
export type LineWorkerMessage =
  | { type: 'chunk'; bytes: Uint8Array; rows: number }
  | { type: 'end'; rows: number }
  | { type: 'tooMany' }
  | { type: 'error'; message: string; code?: string };

export const CREDITS = 0;
export const STOP = 1;

async function main(data: LineWorkerData): Promise<void> {
  const control = new Int32Array(data.control);
  const post = (m: LineWorkerMessage, transfer?: ArrayBuffer[]) => parentPort!.postMessage(m, transfer);
  const db = new BetterSqlite3(data.path, { readonly: true });
  try {
    db.pragma(data.busyTimeout);
    db.pragma(data.cacheSize);
    const { createLineReference } = (await import(data.reference.module)) as { createLineReference(o: unknown): LineContext['reference'] };
    registerReference(db, createLineReference(data.reference.options));
    const rows = { n: 0 };
    const encoder = new TextEncoder();
    for (const chunk of lineChunks(db, data.sql, data.parameters, data.join, rows)) {
      // Wait for a credit; the stop flag (set with a credit to wake this thread) wins.
      while (Atomics.load(control, CREDITS) <= 0 && Atomics.load(control, STOP) === 0) Atomics.wait(control, CREDITS, 0, 1000);
      if (Atomics.load(control, STOP) !== 0) return;
      Atomics.sub(control, CREDITS, 1);
      const bytes = encoder.encode(chunk);
      post({ type: 'chunk', bytes, rows: rows.n }, [bytes.buffer as ArrayBuffer]);
    }
    post({ type: 'end', rows: rows.n });
  } catch (err) {
    if (err instanceof TooManyLines) post({ type: 'tooMany' });
    else post({ type: 'error', message: (err as Error).message, code: (err as { code?: string }).code });
  } finally {
    db.close();
  }
}

if (parentPort) void main(workerData as LineWorkerData);
