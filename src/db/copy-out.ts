import { Readable } from 'node:stream';
import type pg from 'pg';
import type { CopyTupleLines } from './copy-binary.js';

/*
 * `COPY … TO STDOUT` on a pg client, its data read straight off the socket: each CopyData message's
 * bytes go to the tuple parser where they lie in the socket's buffer, and the lines come out of this
 * stream. (pg-copy-streams made a view per message, one per row, then joined them into a zero-filled
 * buffer per read, before the parser joined and copied them again.)
 *
 * While the COPY runs, this stream reads the socket in pg's place, at the pace its reader takes lines
 * (backpressure reaches the server). At CopyDone, or at an ErrorResponse, it hands the unread bytes
 * back to pg's own parser, which then reads CommandComplete / ReadyForQuery, or the error, as usual.
 * Protocol: each message is a 1-byte type and an int32 length that counts itself, then the payload.
 */

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const ERROR_RESPONSE = 0x45; // 'E'

type Connection = pg.Connection & { stream: NodeJS.ReadableStream & { read(): Buffer | null } };

/** A COPY … TO STDOUT (FORMAT binary) query for `client.query()`, whose readable side is the parser's lines. */
export class CopyOut extends Readable implements pg.Submittable {
  private connection: Connection | undefined;
  /** pg's own 'data' listener, set aside while this reads the socket. */
  private pgData: ((chunk: Buffer) => void) | undefined;
  private readonly onReadable = () => this.forward();
  /** The message header being read: type byte and length. */
  private readonly header = Buffer.alloc(5);
  private headerHave = 0;
  /** Payload bytes left of the current message, and whether they are CopyData. */
  private left = 0;
  private data = false;
  private wanting = false;
  private forwarding = false;
  private done = false;
  private readonly parser: CopyTupleLines;

  constructor(
    private readonly text: string,
    /** Builds the parser; its output goes to this stream. */
    parser: (emit: (chunk: Buffer) => void) => CopyTupleLines,
  ) {
    super();
    this.parser = parser((chunk) => {
      if (!this.push(chunk)) this.wanting = false;
    });
  }

  /** Tuples read so far. */
  get rows(): number {
    return this.parser.rows;
  }

  submit(connection: pg.Connection): void {
    const conn = connection as Connection;
    this.connection = conn;
    const listeners = conn.stream.listeners('data') as ((chunk: Buffer) => void)[];
    if (listeners.length !== 1) {
      this.destroy(new Error(`COPY: expected pg's one socket listener, found ${listeners.length}`));
      return;
    }
    this.pgData = listeners[0];
    conn.stream.removeListener('data', this.pgData);
    conn.stream.pause();
    conn.stream.on('readable', this.onReadable);
    conn.query(this.text);
  }

  override _read(): void {
    this.wanting = true;
    this.forward();
  }

  /** Reads the socket while this stream's reader wants more. */
  private forward(): void {
    if (this.forwarding || !this.wanting || this.done || this.destroyed || !this.connection) return;
    this.forwarding = true;
    try {
      let chunk: Buffer | null;
      while (this.wanting && !this.done && !this.destroyed && (chunk = this.connection.stream.read()) !== null) this.parse(chunk);
    } finally {
      this.forwarding = false;
    }
  }

  private parse(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.done) {
      if (this.left > 0) {
        const n = Math.min(this.left, chunk.length - at);
        if (this.data) {
          const failed = this.parser.feed(chunk, at, at + n);
          if (failed) return void this.destroy(failed);
        }
        at += n;
        this.left -= n;
        continue;
      }
      if (this.headerHave === 0 && chunk[at] === ERROR_RESPONSE) {
        // pg reads the error itself and hands it to handleError below.
        return this.handBack(chunk.subarray(at));
      }
      const n = Math.min(5 - this.headerHave, chunk.length - at);
      chunk.copy(this.header, this.headerHave, at, at + n);
      this.headerHave += n;
      at += n;
      if (this.headerHave < 5) break;
      this.headerHave = 0;
      const type = this.header[0];
      this.left = this.header.readInt32BE(1) - 4;
      this.data = type === COPY_DATA;
      if (type === COPY_DONE) {
        this.done = true;
        const failed = this.parser.finish();
        this.handBack(chunk.subarray(at));
        if (failed) this.destroy(failed);
        else this.push(null);
        return;
      }
      // Anything else during a COPY (CopyOutResponse, NoticeResponse, ParameterStatus) is skipped.
    }
  }

  /** Gives the socket back to pg, with `unread` (what follows the COPY's data) first. */
  private handBack(unread: Buffer): void {
    const connection = this.connection;
    const pgData = this.pgData;
    if (!connection || !pgData) return;
    this.done = true;
    this.connection = undefined;
    this.pgData = undefined;
    connection.stream.removeListener('readable', this.onReadable);
    connection.stream.on('data', pgData);
    if (unread.length > 0) pgData(unread);
    process.nextTick(() => connection.stream.resume());
  }

  /** pg: the server answered an error (also a lost connection). */
  handleError(err: Error): void {
    this.destroy(err);
  }

  /** pg: CommandComplete after the data (nothing to do: rows are counted as they pass). */
  handleCommandComplete(): void {}

  /** pg: the connection is ready for the next query. */
  handleReadyForQuery(): void {}
}
