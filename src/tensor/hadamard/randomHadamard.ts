import type { Rng } from '../rng.ts';
import { randomHadamardBlock } from './divisor.ts';
import { RandomHadamardSizeError } from './errors.ts';
import { hadamardOfOrder } from './order.ts';
import type { SignMatrix } from './signMatrix.ts';
import { checkDeterministicSize } from './deterministic.ts';

/**
 * A structured Hadamard-type matrix of order `n = k·(n/k)`: `M = diag(s)·(H_k ⊗ S_{n/k})ᵀ` with `S` Sylvester
 * (symmetric) and `s` ∈ {±1}ⁿ (null = all ones). The deterministic `hadamard` type is `k = 1`, `s = null`
 * (then `M = S_n`). Kernels apply it without materialising it: for a row `x` seen as a `[k, n/k]` matrix `X`,
 * `x·M = vec(H_k · (X∘s) · S)` (FWHT of each length-n/k piece, then a small dense k×k mix).
 */
export interface HadamardFactor {
  readonly n: number;
  /** Order of the small dense factor `H_k` (1 for pure Sylvester). */
  readonly k: number;
  readonly hk: SignMatrix;
  /** Row signs `s` (length n) or null. */
  readonly signs: Int8Array | null;
}

/**
 * The `hadamard` type's factor: Sylvester `H_n`, applied by FWHT (never materialised; `deterministicHadamard`
 * builds and verifies the dense one). Throws T16/T12 like `deterministicHadamard`.
 */
export function sylvesterFactor(n: number): HadamardFactor {
  checkDeterministicSize(n);
  return { n, k: 1, hk: { n: 1, data: Int8Array.of(1) }, signs: null };
}

/**
 * The `random-hadamard` type's matrix for size `n`: `diag(s)·(H_K ⊗ S_{n/K})ᵀ`, `K` by the divisor rule,
 * `s` drawn from `rng` (n signs, in order).
 * @throws {RandomHadamardSizeError} T17 when the divisor rule has no K.
 */
export function randomHadamard(n: number, rng: Rng): HadamardFactor {
  const k = randomHadamardBlock(n);
  if (k === null) throw new RandomHadamardSizeError(n);
  const hk = hadamardOfOrder(k);
  const signs = new Int8Array(n);
  for (let i = 0; i < n; i++) signs[i] = rng.sign();
  return { n, k, hk, signs };
}

/** Dense `M` (row-major [n, n], Float64Array), optionally scaled (1/√n for the orthonormal rotation). */
export function hadamardFactorDense(f: HadamardFactor, scale = 1): Float64Array {
  const { n, k, hk, signs } = f;
  const b = n / k;
  const out = new Float64Array(n * n);
  // (H_k ⊗ S)ᵀ[r][c] = (H_k ⊗ S)[c][r] = H_k[c/b][r/b] · S[c%b][r%b]
  for (let r = 0; r < n; r++) {
    const s = (signs ? signs[r] : 1) * scale;
    const rb = Math.floor(r / b);
    const rs = r % b;
    for (let c = 0; c < n; c++) {
      const h = hk.data[Math.floor(c / b) * k + rb];
      out[r * n + c] = s * h * (popParity(c % b & rs) ? -1 : 1);
    }
  }
  return out;
}

function popParity(x: number): number {
  let p = 0;
  while (x) {
    p ^= 1;
    x &= x - 1;
  }
  return p;
}
