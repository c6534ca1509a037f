/**
 * The property tests' float data: normal values mixed with the edge cases of the float formats (zeros of both
 * signs, NaN, ±∞, subnormals, float32's extremes, exact ties of the element grids, a whole zero group).
 */
import { Rng } from '../../src/tensor/rng.ts';
import type { Tensor } from '../../src/tensor/tensor.ts';

const EDGE = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 2 ** -126, 1e-40, 3.4028234663852886e38, -3.4028234663852886e38, 6, -448, 0.25, 2.5, -5];

/** Data of `n` values from `seed`: edge values at rate `edge`, grid ties (k/8·2^e) at rate `ties`, else normal·2^exp. */
export function data(n: number, seed: number, edge: number, ties: number, exp: number, dtype: 'float32' | 'float64'): Tensor['data'] {
  const rng = new Rng(seed);
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const zeroGroupAt = rng.int(Math.max(1, n >> 4)) << 4; // one run of 16 zeros: a zero group for sizes ≤ 16
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    if (i >= zeroGroupAt && i < zeroGroupAt + 16) out[i] = 0;
    else if (u < edge) out[i] = EDGE[rng.int(EDGE.length)];
    else if (u < edge + ties) out[i] = ((rng.int(97) - 48) / 8) * 2 ** (rng.int(21) - 10);
    else out[i] = rng.normal() * 2 ** exp;
  }
  return out;
}

export const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};
