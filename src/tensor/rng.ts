/**
 * llmc-sim's seeded PRNG: xoshiro128** seeded through splitmix32 (below) from a string key. No Math.random anywhere in
 * llmc-sim: every random draw comes from an `Rng`, so the same seed gives the same matrices byte for byte.
 *
 * `split(label)` derives an independent stream from the *key* (not the current state), so per-scheme
 * streams do not depend on how many draws the parent made (spinquant.md §8: one stream per scheme).
 */
export class Rng {
  readonly key: string;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number | string) {
    this.key = String(seed);
    const seeder = new SplitMix32(hashString(this.key));
    this.s0 = seeder.nextUint32();
    this.s1 = seeder.nextUint32();
    this.s2 = seeder.nextUint32();
    this.s3 = seeder.nextUint32();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A new stream named `label`, derived from this stream's key only. */
  split(label: string): Rng {
    return new Rng(`${this.key}/${label}`);
  }

  /** Alias of `split`. */
  fork(label: string): Rng {
    return this.split(label);
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box–Muller, the second value cached). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** +1 or −1 with equal probability. */
  sign(): 1 | -1 {
    return (this.nextUint32() & 1) === 0 ? 1 : -1;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

/**
 * splitmix32: the 32-bit generator that seeds every `Rng` from its key's hash, and on its own the stream
 * the synthetic model draws its weights from (`createSyntheticModel`). That stream stays as it is rather than
 * moving to `Rng`: the synthetic weights it defines are pinned by golden tests and content hashes, and a
 * different stream would be a different model. New code draws from `Rng`.
 */
export class SplitMix32 {
  private state: number;
  private spare: number | null = null;

  /** `state` is used as given (`Rng` passes a key hash); `fromSeed` is the synthetic model's seeding. */
  constructor(state: number) {
    this.state = state | 0;
  }

  /** The synthetic model's seeding of a numeric seed. */
  static fromSeed(seed: number): SplitMix32 {
    return new SplitMix32((seed | 0) ^ 0x9e3779b9);
  }

  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller on (0, 1] × [0, 1), caching the second value). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** FNV-1a over UTF-16 code units, then a murmur finaliser. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
