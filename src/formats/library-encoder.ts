import { Duplex, Writable } from 'node:stream';
import type { Row } from '../datasets/types.js';

/** Where a format library writes its bytes. */
export interface ByteSink {
  /** Hands bytes downstream; resolves once the reader wants more (this is the backpressure). */
  write(bytes: Uint8Array): Promise<void>;
  /** The same sink as a Writable, for libraries that pipe into a stream of their own. */
  readonly stream: Writable;
}

/** What a format library does with rows; the encoder calls these in order and waits for each. */
export interface LibraryEncoding {
  /** Takes one batch of rows (may write bytes to the sink). */
  write(rows: Row[]): void | Promise<void>;
  /** Writes everything that is left; resolves once the library has written its last byte. */
  end(): void | Promise<void>;
}

/**
 * Rows (or batches of rows) in, bytes out, for formats written by a library rather than line by line
 * (Parquet, XLSX). Unlike a Transform, the library may write bytes after a batch was accepted, so the
 * readable side releases the library's pending write only when the reader asks for more: a slow
 * store holds back the library, and with it the database cursor.
 * @example createLibraryEncoder((sink) => ({ write: (rows) => sink.write(encode(rows)), end: () => {} }))
 */
export function createLibraryEncoder(start: (sink: ByteSink) => LibraryEncoding): Duplex {
  let release: (() => void) | null = null;
  let duplex!: Duplex;
  const write = (bytes: Uint8Array): Promise<void> => {
    if (bytes.length === 0 || duplex.destroyed) return Promise.resolve();
    // Copied: libraries reuse their buffers once a write resolves.
    if (duplex.push(Buffer.from(bytes))) return Promise.resolve();
    return new Promise((resolve) => (release = resolve));
  };
  const stream = new Writable({
    write(chunk: Buffer, _enc, callback) {
      write(chunk).then(() => callback(), callback);
    },
  });
  duplex = new Duplex({
    writableObjectMode: true,
    readableObjectMode: false,
    // A chunk may be a whole batch of rows: buffer only a few, so a slow sink holds back the database.
    writableHighWaterMark: 2,
    write(chunk: Row | Row[], _enc, callback) {
      settle(() => encoding.write(Array.isArray(chunk) ? chunk : [chunk]), callback);
    },
    final(callback) {
      settle(
        () => encoding.end(),
        (err) => {
          if (!err) duplex.push(null);
          callback(err);
        },
      );
    },
    read() {
      const resolve = release;
      release = null;
      resolve?.();
    },
    destroy(err, callback) {
      // Let a library waiting on a write run to its end; its later writes go nowhere.
      release?.();
      release = null;
      stream.destroy();
      callback(err);
    },
  });
  const encoding = start({ write, stream });
  return duplex;
}

/** Runs a step that may be sync or async and reports its outcome to a stream callback exactly once. */
function settle(step: () => void | Promise<void>, callback: (err?: Error | null) => void): void {
  let result: void | Promise<void>;
  try {
    result = step();
  } catch (err) {
    return callback(err as Error);
  }
  if (result instanceof Promise) result.then(() => callback(), (err: Error) => callback(err));
  else callback();
}
