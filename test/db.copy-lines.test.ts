import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { CopyTupleLines, type CopyLineOptions } from '../src/db/copy-binary.js';
import type { InlineSums } from '../src/db/snapshot.js';

/*
 * PostgreSQL's binary COPY of a one-column text query, as the server sends it, turned into framed lines.
 * The socket cuts the stream anywhere: inside the header, a length or a value.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The parser as a Transform (as if each chunk were one socket read); `rows` counts the tuples. */
class CopyLines extends Transform {
  private readonly parser: CopyTupleLines;
  constructor(options: CopyLineOptions, sums?: InlineSums) {
    super();
    this.parser = new CopyTupleLines(options, sums, (chunk) => this.push(chunk));
  }
  get rows(): number {
    return this.parser.rows;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error) => void): void {
    cb(this.parser.feed(chunk));
  }
  override _flush(cb: (err?: Error) => void): void {
    cb(this.parser.finish());
  }
}

/** The bytes PostgreSQL sends for these values (one text column each). */
function binaryCopy(values: string[]): Buffer {
  const parts = [SIGNATURE, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])];
  for (const v of values) {
    const text = Buffer.from(v, 'utf8');
    const head = Buffer.alloc(6);
    head.writeInt16BE(1, 0);
    head.writeInt32BE(text.length, 2);
    parts.push(head, text);
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

async function run(chunks: Buffer[], framing: Partial<ConstructorParameters<typeof CopyLines>[0]> = {}): Promise<{ text: string; outputs: number[]; rows: number }> {
  const lines = new CopyLines({ head: 'h\r\n', terminator: '\r\n', limit: 1e9, tooMany: () => new Error('too many'), ...framing });
  const outputs: number[] = [];
  const got: Buffer[] = [];
  // 'data' events, one per chunk passed on (an async iterator's read() may join buffered chunks).
  lines.on('data', (chunk: Buffer) => {
    outputs.push(chunk.length);
    got.push(chunk);
  });
  await pipeline(Readable.from(chunks), lines);
  return { text: Buffer.concat(got).toString('utf8'), outputs, rows: lines.rows };
}

describe('CopyTupleLines (binary COPY → lines)', () => {
  const values = ['a,"b"', 'é ✓ 日本', '', '"x\ny"'];
  const bytes = binaryCopy(values);

  it('frames every value, whatever byte the socket cuts at', async () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      const { text, rows } = await run([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(text).toBe('h\r\na,"b"\r\né ✓ 日本\r\n\r\n"x\ny"\r\n');
      expect(rows).toBe(4);
    }
  });

  it('reads a stream cut into single bytes', async () => {
    const { text } = await run([...bytes].map((b) => Buffer.from([b])), { head: '', first: '[\n', between: ',\n', terminator: '', tail: (n) => (n === 0 ? '[]' : '\n]') });
    expect(text).toBe('[\na,"b",\né ✓ 日本,\n,\n"x\ny"\n]');
  });

  it('passes lines on in chunks of 64 KiB (the last shorter), not one per socket read', async () => {
    const line = 'x'.repeat(99);
    const big = binaryCopy(Array.from({ length: 5000 }, () => line));
    const reads = Array.from({ length: Math.ceil(big.length / 4096) }, (_, i) => big.subarray(i * 4096, (i + 1) * 4096));
    const { text, outputs, rows } = await run(reads, { head: '' });
    expect(rows).toBe(5000);
    // 5,000 lines of 101 bytes = 505,000 bytes: 7 chunks of 65,536 bytes (cut inside a line) and 46,248 at the end.
    expect(outputs).toEqual([65_536, 65_536, 65_536, 65_536, 65_536, 65_536, 65_536, 46_248]);
    expect(text).toBe(`${line}\r\n`.repeat(5000));
  });

  it('sums the float8 columns after each line (NULL adds nothing), at every cut of the stream', async () => {
    const tuples = [
      ['a', 0.1],
      ['b', null],
      ['c', 1e15],
      ['d', 0.1],
      ['e', -1e15],
    ] as const;
    const parts = [SIGNATURE, Buffer.alloc(8)];
    for (const [line, cost] of tuples) {
      const head = Buffer.alloc(10);
      head.writeInt16BE(2, 0);
      head.writeInt32BE(1, 2);
      const value = Buffer.alloc(cost === null ? 4 : 12);
      value.writeInt32BE(cost === null ? -1 : 8, 0);
      if (cost !== null) value.writeDoubleBE(cost, 4);
      parts.push(head.subarray(0, 6), Buffer.from(line), value);
    }
    parts.push(Buffer.from([0xff, 0xff]));
    const stream = Buffer.concat(parts);
    for (let cut = 1; cut < stream.length; cut += 3) {
      let sums: readonly number[] | undefined;
      const lines = new CopyLines({ head: '', terminator: '\n', limit: 1e9, tooMany: () => new Error('too many') }, { columns: 1, read: (s) => (sums = s) });
      const got: Buffer[] = [];
      lines.on('data', (c: Buffer) => got.push(c));
      await pipeline(Readable.from([stream.subarray(0, cut), stream.subarray(cut)]), lines);
      expect(Buffer.concat(got).toString()).toBe('a\nb\nc\nd\ne\n');
      // Compensated: the two 0.1 survive 1e15 (a plain running sum gives 0.125 here).
      expect(sums).toEqual([0.2]);
    }
  });

  it('fails when the data ends before its trailer', async () => {
    await expect(run([bytes.subarray(0, bytes.length - 2)])).rejects.toThrow('COPY: the data ended early');
  });
});
