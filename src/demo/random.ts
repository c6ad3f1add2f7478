/*
 * A small seeded PRNG so that the same seed yields the same platform byte for byte, on every machine.
 * mulberry32: 32-bit state, fast, good enough for synthetic data (not for secrets).
 */

/** Hashes a string to a 32-bit seed (FNV-1a), so each stream gets its own independent generator. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Seeded random numbers plus the few distributions the generators need. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * An independent generator for one named stream, e.g. `Rng.for(42, 'org_acme:runs')`.
   * Streams are separate so that changing one volume does not reshuffle every other dataset.
   */
  static for(seed: number, stream: string): Rng {
    return new Rng(hashSeed(`${seed}:${stream}`));
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both ends inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight from `[value, weight]` pairs. */
  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of pairs) total += w;
    let r = this.next() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1][0];
  }

  /** A few distinct items, in a random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }

  /** Log-normal around `median`; `spread` is the sigma of the underlying normal. Costs and durations look like this. */
  logNormal(median: number, spread: number): number {
    return median * Math.exp(spread * this.normal());
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Rounds `x` up or down at random so that expected totals match fractional targets. */
  round(x: number): number {
    const floor = Math.floor(x);
    return floor + (this.next() < x - floor ? 1 : 0);
  }

  /** Random base62 text, for ids shaped like real vendors' (`pr_3usCu3dAkgrXTlufrvPs7`). */
  base62(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += BASE62[Math.floor(this.next() * 62)];
    return s;
  }
}

/** Cumulative weights for repeated weighted picks by index (binary search), cheaper than `weighted` in hot loops. */
export class WeightedIndex {
  private readonly cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => (this.cumulative[i] = sum += w));
  }

  pick(rng: Rng): number {
    const c = this.cumulative;
    const r = rng.next() * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
