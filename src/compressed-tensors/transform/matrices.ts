/**
 * Transform matrices (compressed-tensors `transform/factory/*`, spinquant.md §7–§8): one per (scheme, size),
 * made at the first request and shared by later ones (S4), its dtype set by that first request (the scheme's
 * precision when online, float64 when fused). Hadamard types are kept as factors (Sylvester FWHT plus a
 * small dense block) and applied with `/√n`; `random-matrix` is a dense matrix whose inverse is a true
 * float64 inverse: upstream's uniform [0, 1) draw (not orthogonal, so not invariant across RMSNorm: S8), or,
 * in llmc-sim's default fidelity, a Haar-random orthogonal matrix (so rotations keep the outputs).
 */
import { ValueError } from '../../core/errors.ts';
import type { Rng } from '../../tensor/rng.ts';
import { Tensor, type DType } from '../../tensor/tensor.ts';
import { randomHadamard, sylvesterFactor, type HadamardFactor } from '../../tensor/hadamard/randomHadamard.ts';
import { randomUniformMatrix } from '../../tensor/random/randomMatrix.ts';
import { randomOrthogonal } from '../../tensor/random/randomOrthogonal.ts';
import { hadamardColumns, hadamardRows, transformColumnsOp, transformRowsOp } from '../../tensor/ops.ts';
import { UnknownTransformTypeError } from './errors.ts';

export type TransformMatrix =
  | { readonly kind: 'hadamard'; readonly n: number; readonly dtype: DType; readonly factor: HadamardFactor }
  | { readonly kind: 'dense'; readonly n: number; readonly dtype: DType; readonly m: Float64Array; inv: Float64Array | null };

export const TRANSFORM_TYPES = ['hadamard', 'random-hadamard', 'random-matrix'] as const;

/** How `random-matrix` draws: upstream's uniform [0, 1) (`'reference'`), or orthogonal (`'default'`). */
export type RandomMatrixKind = 'uniform' | 'orthogonal';

/** Builds the matrix of `type` for size `n` (throws T12/T16/T17 as the constructions do). */
export function buildMatrix(type: string, n: number, dtype: DType, rng: Rng, randomMatrix: RandomMatrixKind = 'uniform'): TransformMatrix {
  switch (type) {
    case 'hadamard':
      return { kind: 'hadamard', n, dtype, factor: sylvesterFactor(n) };
    case 'random-hadamard':
      return { kind: 'hadamard', n, dtype, factor: randomHadamard(n, rng) };
    case 'random-matrix': {
      const m = randomMatrix === 'orthogonal' ? randomOrthogonal(n, rng) : randomUniformMatrix(n, rng);
      if (dtype === 'float32') for (let i = 0; i < m.length; i++) m[i] = Math.fround(m[i]);
      return { kind: 'dense', n, dtype, m, inv: null };
    }
    default:
      throw new UnknownTransformTypeError(type);
  }
}

/** One scheme's matrices by size, drawn from the scheme's own random stream in first-request order. */
export class SchemeMatrices {
  readonly #bySize = new Map<number, TransformMatrix>();
  constructor(readonly type: string, readonly rng: Rng, readonly randomMatrix: RandomMatrixKind = 'uniform') {}

  get(size: number, dtype: DType): TransformMatrix {
    let m = this.#bySize.get(size);
    if (!m) {
      m = buildMatrix(this.type, size, dtype, this.rng, this.randomMatrix);
      this.#bySize.set(size, m);
    }
    return m;
  }

  get sizes(): number[] {
    return [...this.#bySize.keys()];
  }
}

/** M⁻¹ by Gauss–Jordan elimination with partial pivoting, float64. Buffers: `m` [n, n] → [n, n]. */
export function invert(m: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(m);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    if (a[p * n + c] === 0) throw new ValueError(`random-matrix transform of size ${n} is singular`);
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        [a[c * n + j], a[p * n + j]] = [a[p * n + j], a[c * n + j]];
        [inv[c * n + j], inv[p * n + j]] = [inv[p * n + j], inv[c * n + j]];
      }
    }
    const d = a[c * n + c];
    for (let j = 0; j < n; j++) {
      a[c * n + j] /= d;
      inv[c * n + j] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * n + c];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        a[r * n + j] -= f * a[c * n + j];
        inv[r * n + j] -= f * inv[c * n + j];
      }
    }
  }
  return inv;
}

function transposeSquare(m: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = m[i * n + j];
  return t;
}

/** The dense `T` of a transform: `M`, or `M⁻¹` when inverse (random-matrix: no transpose). */
function denseT(mat: Extract<TransformMatrix, { kind: 'dense' }>, inverse: boolean): Float64Array {
  if (!inverse) return mat.m;
  if (!mat.inv) {
    mat.inv = invert(mat.m, mat.n);
    if (mat.dtype === 'float32') for (let i = 0; i < mat.inv.length; i++) mat.inv[i] = Math.fround(mat.inv[i]);
  }
  return mat.inv;
}

/** `t` itself when already `dtype`, else a fresh copy (which the Hadamard kernels may then consume). */
const cast = (t: Tensor, dtype: DType): Tensor => (t.dtype === dtype ? t : t.to(dtype));

/** Which side of the weight a transform multiplies, and with `T` or `Tᵀ`. */
export interface MatrixSide {
  /** `rows`: `x·T` on every row (block-wise along the width, `x` [rows, k·n]); `columns`: `T·W` (block-wise along the rows, `w` [k·n, cols]). */
  readonly side: 'rows' | 'columns';
  /** Use `Tᵀ` instead of `T`. */
  readonly transposed?: boolean;
  /** `T = M⁻¹` (Hadamard types: `Mᵀ`) instead of `M`. */
  readonly inverse: boolean;
}

/**
 * `x·T`, `x·Tᵀ`, `T·W` or `Tᵀ·W` (see `MatrixSide`), computed in the matrix dtype and returned in `x`'s.
 * Hadamard types are applied as factors (`Tᵀ = M` when inverse, since `M⁻¹ = Mᵀ`), divided by √n; dense
 * types through the row transforms. Every product goes through the backend dispatch (src/tensor/ops.ts).
 */
export function applyMatrix(x: Tensor, mat: TransformMatrix, how: MatrixSide): Tensor {
  const v = cast(x, mat.dtype);
  const transposed = how.transposed === true;
  let y: Tensor;
  if (mat.kind === 'hadamard') {
    const options = { inverse: how.inverse !== transposed, consume: v !== x };
    y = how.side === 'rows' ? hadamardRows(v, mat.factor, options) : hadamardColumns(v, mat.factor, options);
  } else {
    const t = transposed ? transposeSquare(denseT(mat, how.inverse), mat.n) : denseT(mat, how.inverse);
    y = how.side === 'rows' ? transformRowsOp(v, t, mat.n) : transformColumnsOp(v, t, mat.n);
  }
  return cast(y, x.dtype);
}
