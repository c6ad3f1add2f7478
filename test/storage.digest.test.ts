import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createDigestTap } from '../src/storage/digest.js';

/*
 * The digest tap hashes inline or on the hashing thread (in 1 MiB batches): either way, whatever the
 * chunking, the digest is the file's, streams hashed at the same time do not mix, and a stream torn down
 * midway leaves nothing behind.
 */

/** Bytes i mod 251 for i < n (no period that divides the batch size). */
const pattern = (n: number) => Buffer.from(Uint8Array.from({ length: n }, (_, i) => i % 251));
/** sha256 of pattern(3_000_000), by Python's hashlib. */
const PATTERN_3M = '4d3870d4655ed773027a713ea136507d22e076248e0e9cc920a996039653b76f';
/** FIPS 180-2's long message: one million 'a'. */
const MILLION_A = 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0';

/** Cuts `bytes` into chunks of the given sizes, repeating the list. */
function chunked(bytes: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** Pipes chunks through a tap into a sink that keeps them; returns the tap's info and what passed. */
async function tapped(chunks: Buffer[], offThread: boolean) {
  const tap = createDigestTap({ offThread });
  const passed: Buffer[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (passed.push(c), cb()) });
  await pipeline(Readable.from(chunks), tap, sink);
  return { ...tap.info(), passed: Buffer.concat(passed) };
}

for (const offThread of [false, true]) describe(`the sha256 digest tap (${offThread ? 'on the hashing thread' : 'inline'})`, () => {
  it('gives the known digests of nothing, of "abc" and of FIPS long messages', async () => {
    expect(await tapped([], offThread)).toMatchObject({ bytes: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
    expect(await tapped([Buffer.from('abc')], offThread)).toMatchObject({ bytes: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
    expect(await tapped([Buffer.alloc(1_000_000, 'a')], offThread)).toMatchObject({ bytes: 1_000_000, sha256: MILLION_A });
  });

  it('hashes the same bytes whatever the chunking, across batch boundaries, and passes every byte on in order', async () => {
    const bytes = pattern(3_000_000);
    for (const sizes of [[3_000_000], [1], [7, 65_539, 1_048_576, 13], [1_048_575, 2], [2_500_000]]) {
      // One-byte chunks are slow through a stream: the first 200 kB of them, then the rest at once.
      const chunks = sizes[0] === 1 ? [...chunked(bytes.subarray(0, 200_000), [1]), bytes.subarray(200_000)] : chunked(bytes, sizes);
      const r = await tapped(chunks, offThread);
      expect(r.sha256, `chunks of ${sizes.join(', ')}`).toBe(PATTERN_3M);
      expect(r.bytes).toBe(3_000_000);
      expect(r.passed.equals(bytes)).toBe(true);
    }
  });

  it('keeps streams hashed at the same time apart', async () => {
    const a = chunked(pattern(3_000_000), [65_536]);
    const b = chunked(Buffer.alloc(1_000_000, 'a'), [40_000]);
    const [ra, rb, rc] = await Promise.all([tapped(a, offThread), tapped(b, offThread), tapped([Buffer.from('abc')], offThread)]);
    expect([ra.sha256, rb.sha256, rc.sha256]).toEqual([PATTERN_3M, MILLION_A, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad']);
  });

  it('has no digest for a stream torn down midway, and the next stream is unaffected', async () => {
    const tap = createDigestTap({ offThread });
    const source = new Readable({ read() {} });
    const done = pipeline(source, tap, new Writable({ write: (_c, _e, cb) => cb() }));
    source.push(pattern(2_500_000));
    source.destroy(new Error('cancelled'));
    await expect(done).rejects.toThrow('cancelled');
    expect(() => tap.info()).toThrow('digest requested before the stream ended');
    expect((await tapped([Buffer.alloc(1_000_000, 'a')], offThread)).sha256).toBe(MILLION_A);
  });
});
