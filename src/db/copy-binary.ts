import { Transform, type TransformCallback } from 'node:stream';
import type { LineFraming } from './line-sql.js';
import { NeumaierSum, type InlineSums } from './snapshot.js';

/*
 * Reads PostgreSQL's binary COPY format for a query whose first column is the line (text) and writes
 * each line followed by a terminator; any further columns are float8 values it sums (a manifest's sums).
 * Binary, not CSV or text: those formats quote or escape what the line already quoted (a CSV line's
 * own quotes and newlines, a JSON line's backslashes); binary hands the text over as is.
 * Format: 11-byte signature, int32 flags, int32 extension length + extension; then per tuple an int16
 * field count (-1 ends the data) and per field an int32 length (-1 = NULL) and the bytes.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = SIGNATURE.length + 8;
/**
 * Lines are passed on in chunks of at least this many bytes: the socket hands over ~25 kB on average, and
 * every chunk costs a turn of each stream after this one, a hash update and a write in the threadpool.
 */
const CHUNK_BYTES = 64 * 1024;

export type CopyLineOptions = LineFraming;

/** A Transform from binary COPY bytes to the framed lines (see LineFraming), one per tuple; `rows` counts the tuples seen. */
export class CopyLines extends Transform {
  rows = 0;
  private pending: Buffer = Buffer.alloc(0);
  /** Lines read but not yet passed on (see CHUNK_BYTES). */
  private out: Buffer[] = [];
  private outBytes = 0;
  /** Running sums of the columns after the line (see InlineSums), in the order they come. */
  private readonly totals: NeumaierSum[];
  private readonly sums?: InlineSums;
  private headerDone = false;
  private ended = false;
  private readonly terminator: Buffer;
  private readonly first: Buffer;
  private readonly between: Buffer;

  constructor(
    private readonly options: CopyLineOptions,
    sums?: InlineSums,
  ) {
    super();
    this.sums = sums;
    this.totals = Array.from({ length: sums?.columns ?? 0 }, () => new NeumaierSum());
    this.terminator = Buffer.from(options.terminator);
    this.first = Buffer.from(options.first ?? '');
    this.between = Buffer.from(options.between ?? '');
    if (options.head) this.push(options.head);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const out = this.out;
    let at = 0;
    if (!this.headerDone) {
      if (buf.length < HEADER) return this.keep(buf, 0, cb);
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) return cb(new Error('COPY: not the binary format'));
      const ext = buf.readInt32BE(SIGNATURE.length + 4);
      if (buf.length < HEADER + ext) return this.keep(buf, 0, cb);
      at = HEADER + ext;
      this.headerDone = true;
    }
    const columns = 1 + this.totals.length;
    while (!this.ended && buf.length - at >= 2) {
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        this.ended = true;
        at += 2;
        break;
      }
      if (fields !== columns) return cb(new Error(`COPY: expected ${columns} column(s), got ${fields}`));
      // The whole tuple must be here: the line, then each summed column (float8, or NULL).
      let end = at + 2;
      for (let f = 0; f < fields && end !== -1; f++) end = buf.length - end < 4 ? -1 : end + 4 + Math.max(0, buf.readInt32BE(end));
      if (end === -1 || end > buf.length) break;
      const len = buf.readInt32BE(at + 2);
      if (len < 0) return cb(new Error('COPY: a line was NULL'));
      if (++this.rows > this.options.limit) return cb(this.options.tooMany());
      const prefix = this.rows === 1 ? this.first : this.between;
      if (prefix.length > 0) out.push(prefix);
      out.push(buf.subarray(at + 6, at + 6 + len), this.terminator);
      this.outBytes += prefix.length + len + this.terminator.length;
      let field = at + 6 + len;
      for (const total of this.totals) {
        const size = buf.readInt32BE(field);
        if (size === 8) total.add(buf.readDoubleBE(field + 4));
        else if (size !== -1) return cb(new Error(`COPY: a summed column was ${size} bytes, not a float8`));
        field += 4 + Math.max(0, size);
      }
      at = end;
    }
    if (this.outBytes >= CHUNK_BYTES) this.pass();
    this.keep(buf, at, cb);
  }

  /** Passes on the lines collected so far as one chunk. */
  private pass(): void {
    if (this.out.length === 0) return;
    const chunk = Buffer.concat(this.out, this.outBytes);
    this.out = [];
    this.outBytes = 0;
    this.push(chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (!this.ended || this.pending.length > 0) return cb(new Error('COPY: the data ended early'));
    this.sums?.read(this.totals.map((t) => t.value));
    this.pass();
    const tail = this.options.tail?.(this.rows);
    if (tail) this.push(tail);
    cb();
  }

  /** Keeps the unread tail (a partial tuple) for the next chunk; copied so the big chunk can be freed. */
  private keep(buf: Buffer, at: number, cb: TransformCallback): void {
    this.pending = at >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
    cb();
  }
}
