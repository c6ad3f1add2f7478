import { constants, createGzip, type Gzip } from 'node:zlib';

export type { Compression } from '../contract/vocabulary.js';

/**
 * A gzip Transform for encoded bytes. Level 6 (zlib's default) is the usual size/speed balance;
 * exports are written once and downloaded a few times, so spending more CPU rarely pays.
 * @example pipeline(rows, encoders.csv(opts), createGzipStream(), file)
 */
export function createGzipStream(level: number = constants.Z_DEFAULT_COMPRESSION): Gzip {
  return createGzip({ level, chunkSize: 64 * 1024 });
}
