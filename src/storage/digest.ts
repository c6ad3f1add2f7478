import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { BlobInfo } from './types.js';

/** A pass-through stream that counts bytes and hashes them; `info()` is valid once it has ended. */
export interface DigestTap extends Transform {
  info(): BlobInfo;
}

/*
 * Where the sha256 runs. When the stream's producer works on the main thread (SQLite's line statement,
 * the row path's encoders), the hash takes time from it there, while the machine's other core has little
 * to do: such streams hash on a thread of their own, their bytes copied into 1 MiB batches whose buffers
 * go to the hashing thread and come back to be reused (a 1M-row SQLite CSV export: 7.6 s → 7.2 s). When
 * the producer is another process (PostgreSQL's COPY), both cores are busy already and a third thread
 * only slowed it down (6.8 s → 7.2 s): those hash inline.
 */

/** Bytes per message to the hashing thread: few messages, little to copy. */
const BATCH = 1024 * 1024;
/** Batches a tap may have at the hashing thread before it waits: the bound on memory per stream. */
const IN_FLIGHT = 4;
/** The hashing thread ends after this long without a stream, so an idle server holds no extra isolate. */
const IDLE_MS = 10_000;

type ToHasher = { id: number; op: 'data'; buf: ArrayBuffer; length: number } | { id: number; op: 'end' | 'abort' };
type FromHasher = { id: number; op: 'ack'; buf: ArrayBuffer } | { id: number; op: 'digest'; hex: string };

// A script, not a module file: it runs the same from the sources (tsx), the bundle and any cwd.
const HASHER_SCRIPT = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'data') {
    let h = hashes.get(m.id);
    if (!h) hashes.set(m.id, (h = createHash('sha256')));
    h.update(new Uint8Array(m.buf, 0, m.length));
    parentPort.postMessage({ id: m.id, op: 'ack', buf: m.buf }, [m.buf]);
  } else if (m.op === 'end') {
    const h = hashes.get(m.id) ?? createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ id: m.id, op: 'digest', hex: h.digest('hex') });
  } else hashes.delete(m.id);
});`;

interface Stream {
  onAck(buf: ArrayBuffer): void;
  onDigest(hex: string): void;
  onFail(err: Error): void;
}

/** The process's one hashing thread, started on first use and ended when idle. */
class Hasher {
  private worker: Worker | undefined;
  private readonly streams = new Map<number, Stream>();
  private nextId = 1;
  private idle: NodeJS.Timeout | undefined;

  open(stream: Stream): number {
    clearTimeout(this.idle);
    const id = this.nextId++;
    this.streams.set(id, stream);
    // A stream waiting for its digest keeps the process alive; an idle thread does not.
    this.started().ref();
    return id;
  }

  send(message: ToHasher, transfer: ArrayBuffer[] = []): void {
    this.started().postMessage(message, transfer);
  }

  close(id: number): void {
    this.streams.delete(id);
    if (this.streams.size > 0 || !this.worker) return;
    const worker = this.worker;
    worker.unref();
    this.idle = setTimeout(() => {
      if (this.streams.size === 0 && this.worker === worker) {
        this.worker = undefined;
        void worker.terminate();
      }
    }, IDLE_MS).unref();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(HASHER_SCRIPT, { eval: true, name: 'sluice-sha256' });
    worker.on('message', (m: FromHasher) => {
      const s = this.streams.get(m.id);
      if (!s) return;
      if (m.op === 'ack') s.onAck(m.buf);
      else s.onDigest(m.hex);
    });
    const fail = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const streams = [...this.streams.values()];
      this.streams.clear();
      for (const s of streams) s.onFail(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the hashing thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

const hasher = new Hasher();

/**
 * Creates a byte-counting sha256 pass-through to put between a source and a sink; `info()` has the
 * digest once the stream has ended. With `offThread`, the hash runs on the hashing thread.
 * @example const tap = createDigestTap({ offThread: true }); await pipeline(body, tap, sink); tap.info().sha256
 */
export function createDigestTap(opts: { offThread?: boolean } = {}): DigestTap {
  return opts.offThread ? hashingThreadTap() : inlineTap();
}

/** The tap with `info()`, which reads its byte count and digest once the digest is known. */
function withInfo(tap: Transform, state: () => { bytes: number; sha256: string | undefined }): DigestTap {
  return Object.assign(tap, {
    info(): BlobInfo {
      const { bytes, sha256 } = state();
      if (sha256 === undefined) throw new Error('digest requested before the stream ended');
      return { bytes, sha256 };
    },
  });
}

function inlineTap(): DigestTap {
  const hash = createHash('sha256');
  let bytes = 0;
  let sha256: string | undefined;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      sha256 = hash.digest('hex');
      callback();
    },
  });
  return withInfo(tap, () => ({ bytes, sha256 }));
}

function hashingThreadTap(): DigestTap {
  let bytes = 0;
  let sha256: string | undefined;
  const free: ArrayBuffer[] = [];
  let batch: Uint8Array | undefined;
  let filled = 0;
  let inFlight = 0;
  let failed: Error | undefined;
  let waiting: (() => void) | undefined;
  let done: ((err?: Error) => void) | undefined;

  const id = hasher.open({
    onAck(buf) {
      inFlight--;
      free.push(buf);
      const w = waiting;
      waiting = undefined;
      w?.();
    },
    onDigest(hex) {
      sha256 = hex;
      hasher.close(id);
      done?.();
    },
    onFail(err) {
      failed = err;
      const w = waiting;
      waiting = undefined;
      w?.();
      done?.(err);
    },
  });

  /** Sends the current batch; calls `next` once a batch buffer is free again. */
  const send = (next: () => void) => {
    if (batch && filled > 0) {
      inFlight++;
      hasher.send({ id, op: 'data', buf: batch.buffer as ArrayBuffer, length: filled }, [batch.buffer as ArrayBuffer]);
      batch = undefined;
      filled = 0;
    }
    if (inFlight < IN_FLIGHT) next();
    else waiting = next;
  };

  const tap = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      if (failed) return callback(failed);
      bytes += chunk.length;
      let at = 0;
      const copy = () => {
        if (failed) return callback(failed);
        while (at < chunk.length) {
          batch ??= new Uint8Array(free.pop() ?? new ArrayBuffer(BATCH));
          const n = Math.min(chunk.length - at, BATCH - filled);
          batch.set(chunk.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === BATCH) return send(copy);
        }
        callback(null, chunk);
      };
      copy();
    },
    flush(callback) {
      if (failed) return callback(failed);
      done = (err) => callback(err);
      send(() => hasher.send({ id, op: 'end' }));
    },
    destroy(err, callback) {
      if (sha256 === undefined && !failed) {
        hasher.send({ id, op: 'abort' });
        hasher.close(id);
      }
      callback(err);
    },
  });
  return withInfo(tap, () => ({ bytes, sha256 }));
}

