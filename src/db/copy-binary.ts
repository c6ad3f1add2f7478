import type { LineFraming } from './line-sql.js';
import { NeumaierSum, type InlineSums } from './snapshot.js';

/*
 * Reads PostgreSQL's binary COPY format for a query whose first column is the line (text) and writes
 * each line followed by a terminator; any further columns are float8 values it sums (a manifest's sums).
 * Binary, not CSV or text: those formats quote or escape what the line already quoted (a CSV line's
 * own quotes and newlines, a JSON line's backslashes); binary hands the text over as is.
 * Format: 11-byte signature, int32 flags, int32 extension length + extension; then per tuple an int16
 * field count (-1 ends the data) and per field an int32 length (-1 = NULL) and the bytes.
 *
 * The parser is fed byte ranges as they arrive, cut anywhere, and copies each line's bytes once, from the
 * socket's buffer into the output chunk: no joining of reads or of lines. (Joining each read to
 * the unread rest of the one before, a view per line and joining the views again copied every byte
 * twice more, and the garbage kept the main thread's GC busy: 1.6 s of a 1M-row export.)
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, flags, extension length. */
const HEADER = SIGNATURE.length + 8;
/**
 * Lines are passed on in chunks of this many bytes (the last one shorter), cut wherever they fall: the
 * socket hands over ~25 kB on average, and every chunk costs a turn of each stream after this one, a
 * hash update and a write in the threadpool. Each chunk is a block of its own, allocated at its size.
 */
const CHUNK_BYTES = 64 * 1024;

export type CopyLineOptions = LineFraming;

/** What the parser expects next. */
const enum Next {
  Header,
  Extension,
  Count,
  Length,
  Line,
  Sum,
  Ended,
}

/**
 * Binary COPY bytes in, framed lines out (see LineFraming), through `emit`. `feed` takes the next bytes
 * in any cuts; `finish` checks the data was whole and writes the tail. Errors are returned, not thrown,
 * so a stream can hand them to its callback.
 */
export class CopyTupleLines {
  /** Tuples read so far. */
  rows = 0;
  private next = Next.Header;
  /** Bytes of the fixed-size value being read (header, count, length, float8), when it straddles two feeds. */
  private readonly scratch = Buffer.alloc(HEADER);
  private have = 0;
  /** Bytes left of the extension or of the current line. */
  private left = 0;
  /** The field of the tuple being read (0 = the line, then the summed columns). */
  private field = 0;
  private block = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  /** Bytes of `block` written and not yet passed on. */
  private filled = 0;
  private readonly columns: number;
  private readonly totals: NeumaierSum[];
  private readonly terminator: Buffer;
  private readonly first: Buffer;
  private readonly between: Buffer;

  constructor(
    private readonly options: CopyLineOptions,
    private readonly sums: InlineSums | undefined,
    private readonly emit: (chunk: Buffer) => void,
  ) {
    this.totals = Array.from({ length: sums?.columns ?? 0 }, () => new NeumaierSum());
    this.columns = 1 + this.totals.length;
    this.terminator = Buffer.from(options.terminator);
    this.first = Buffer.from(options.first ?? '');
    this.between = Buffer.from(options.between ?? '');
    if (options.head) this.write(Buffer.from(options.head), 0, Buffer.byteLength(options.head));
  }

  /** Reads `buf[start, end)`, passing on each chunk as it fills. */
  feed(buf: Buffer, start = 0, end = buf.length): Error | undefined {
    let at = start;
    while (at < end) {
      if (this.next === Next.Line || this.next === Next.Extension) {
        const n = Math.min(this.left, end - at);
        if (this.next === Next.Line) this.write(buf, at, at + n);
        at += n;
        this.left -= n;
        if (this.left === 0) {
          if (this.next === Next.Line) this.endLine();
          else this.next = Next.Count;
        }
        continue;
      }
      if (this.next === Next.Ended) return new Error('COPY: data after the end of the data');
      // A fixed-size value: read in place when whole, else gathered in the scratch buffer.
      const size = this.next === Next.Header ? HEADER : this.next === Next.Count ? 2 : this.next === Next.Length ? 4 : 8;
      let value: Buffer;
      let offset: number;
      if (this.have === 0 && end - at >= size) {
        value = buf;
        offset = at;
        at += size;
      } else {
        const n = Math.min(size - this.have, end - at);
        buf.copy(this.scratch, this.have, at, at + n);
        this.have += n;
        at += n;
        if (this.have < size) break;
        this.have = 0;
        value = this.scratch;
        offset = 0;
      }
      const failed = this.take(value, offset);
      if (failed) return failed;
    }
    return undefined;
  }

  /** Acts on a whole fixed-size value at `value[offset]`. */
  private take(value: Buffer, offset: number): Error | undefined {
    switch (this.next) {
      case Next.Header:
        if (!value.subarray(offset, offset + SIGNATURE.length).equals(SIGNATURE)) return new Error('COPY: not the binary format');
        this.left = value.readInt32BE(offset + SIGNATURE.length + 4);
        this.next = this.left > 0 ? Next.Extension : Next.Count;
        return undefined;
      case Next.Count: {
        const fields = value.readInt16BE(offset);
        if (fields === -1) {
          this.next = Next.Ended;
          return undefined;
        }
        if (fields !== this.columns) return new Error(`COPY: expected ${this.columns} column(s), got ${fields}`);
        this.field = 0;
        this.next = Next.Length;
        return undefined;
      }
      case Next.Length: {
        const length = value.readInt32BE(offset);
        if (this.field === 0) {
          if (length < 0) return new Error('COPY: a line was NULL');
          if (++this.rows > this.options.limit) return this.options.tooMany();
          const prefix = this.rows === 1 ? this.first : this.between;
          if (prefix.length > 0) this.write(prefix, 0, prefix.length);
          this.left = length;
          if (length > 0) this.next = Next.Line;
          else this.endLine();
        } else if (length === 8) this.next = Next.Sum;
        else if (length === -1) this.endField();
        else return new Error(`COPY: a summed column was ${length} bytes, not a float8`);
        return undefined;
      }
      case Next.Sum:
        this.totals[this.field - 1].add(value.readDoubleBE(offset));
        this.endField();
        return undefined;
      default:
        return undefined;
    }
  }

  private endLine(): void {
    this.write(this.terminator, 0, this.terminator.length);
    this.endField();
  }

  /** On to the tuple's next field, or the next tuple. */
  private endField(): void {
    this.field++;
    this.next = this.field < this.columns ? Next.Length : Next.Count;
  }

  /** Copies `buf[start, end)` to the output, passing on each chunk as it fills. */
  private write(buf: Buffer, start: number, end: number): void {
    while (start < end) {
      const n = Math.min(end - start, CHUNK_BYTES - this.filled);
      buf.copy(this.block, this.filled, start, start + n);
      this.filled += n;
      start += n;
      if (this.filled === CHUNK_BYTES) this.pass();
    }
  }

  /** Passes on what has been written as one chunk (the block itself when full). */
  private pass(): void {
    if (this.filled === 0) return;
    this.emit(this.filled === CHUNK_BYTES ? this.block : this.block.subarray(0, this.filled));
    this.block = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.filled = 0;
  }

  /** After the last byte: the sums, the last lines and the tail; an error if the data did not end. */
  finish(): Error | undefined {
    if (this.next !== Next.Ended) return new Error('COPY: the data ended early');
    this.sums?.read(this.totals.map((t) => t.value));
    const tail = this.options.tail?.(this.rows);
    if (tail) this.write(Buffer.from(tail), 0, Buffer.byteLength(tail));
    this.pass();
    return undefined;
  }
}
