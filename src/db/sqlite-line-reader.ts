import type BetterSqlite3 from 'better-sqlite3';
import type { LineContext, LineFraming } from './line-sql.js';

/*
 * Reading a line query on one SQLite connection, shared by the main thread and the line worker: the
 * reference functions the cell expressions call, and the loop that gathers lines into chunks.
 */

/** Push once this many UTF-16 units are collected (as the row encoders do). */
export const CHUNK_CHARS = 64 * 1024;

/** The reference functions the cell expressions call, on the connection that runs the line query. */
export function registerReference(db: BetterSqlite3.Database, reference: LineContext['reference']): void {
  const opts = { deterministic: true, varargs: false } as const;
  db.function('sluice_timestamp', opts, (ms: unknown) => reference.timestamp(Number(ms)));
  db.function('sluice_pseudonym', opts, (v: unknown) => reference.pseudonym(String(v)));
  db.function('sluice_csv_number', opts, (v: unknown) => reference.csvNumber(v));
  db.function('sluice_jsonl_number', opts, (v: unknown) => reference.jsonlNumber(v));
  db.function('sluice_neutralized', opts, (v: unknown) => reference.neutralized(String(v)));
}

/** The framing a reader applies per line (the head and tail are the caller's). */
export type LineJoin = Pick<LineFraming, 'first' | 'between' | 'terminator' | 'limit'>;

/** Thrown by `lineChunks` past the row limit; the caller turns it into the framing's own error. */
export class TooManyLines extends Error {}

/**
 * Runs `sql` on `db` (one text column per row) and yields the framed lines in chunks of about
 * CHUNK_CHARS; `rows.n` counts the lines read so far. The statement steps only while chunks are pulled.
 */
export function* lineChunks(db: BetterSqlite3.Database, sql: string, parameters: readonly unknown[], join: LineJoin, rows: { n: number }, start = ''): Generator<string> {
  const lines = db.prepare(sql).pluck(true).iterate(...(parameters as unknown[])) as IterableIterator<string>;
  const first = join.first ?? '';
  const between = join.between ?? '';
  let chunk = start;
  try {
    for (const line of lines) {
      if (++rows.n > join.limit) throw new TooManyLines();
      chunk += (rows.n === 1 ? first : between) + line + join.terminator;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
  } finally {
    lines.return?.();
  }
  if (chunk.length > 0) yield chunk;
}
