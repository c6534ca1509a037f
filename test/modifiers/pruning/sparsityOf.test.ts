/**
 * sparsityOf counts exact zeros (+0 and −0), whatever the storage: float32 data is read as bits, so the
 * edge cases of that reading are pinned here against a plain `=== 0` count.
 */
import { describe, expect, it } from 'vitest';
import { sparsityOf } from '../../../src/modifiers/pruning/masks.ts';

const plain = (w: ArrayLike<number>) => (w.length ? Array.from(w).filter((x) => x === 0).length / w.length : 0);
const EDGES = [0, -0, NaN, Infinity, -Infinity, 1.4e-45, -1.4e-45, 1, -1, 3.4e38, -3.4e38];

describe('sparsityOf', () => {
  it('counts +0 and −0, not NaN, infinities or the smallest subnormals', () => {
    expect(sparsityOf(Float32Array.from(EDGES))).toBe(2 / EDGES.length);
    expect(sparsityOf(Float64Array.from(EDGES))).toBe(2 / EDGES.length);
  });

  it('reads a float32 view at its own offset and length', () => {
    const whole = Float32Array.from([0, 0, 1, 0, 2, 0, 0]);
    expect(sparsityOf(whole.subarray(2, 5))).toBe(1 / 3);
    expect(sparsityOf(new Float32Array(0))).toBe(0);
  });

  it('equals a plain count on float32 data of any bit pattern, at any offset', () => {
    const bits = new Uint32Array(4096);
    let x = 12345;
    for (let i = 0; i < bits.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      bits[i] = i % 3 === 0 ? x & 0x80000000 : x; // every third entry ±0, the rest any pattern (NaNs included)
    }
    const f32 = new Float32Array(bits.buffer);
    for (const cut of [0, 1, 7, 4095]) expect(sparsityOf(f32.subarray(cut))).toBe(plain(f32.subarray(cut)));
  });
});
