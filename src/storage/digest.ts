import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { BlobInfo } from './types.js';

/** A pass-through stream that counts bytes and hashes them; `info()` is valid once it has ended. */
export interface DigestTap extends Transform {
  info(): BlobInfo;
}

/**
 * Creates a byte-counting sha256 pass-through to put between a source and a sink.
 * @example const tap = createDigestTap(); await pipeline(body, tap, sink); tap.info().sha256
 */
export function createDigestTap(): DigestTap {
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
  }) as DigestTap;
  tap.info = () => {
    if (sha256 === undefined) throw new Error('digest requested before the stream ended');
    return { bytes, sha256 };
  };
  return tap;
}
