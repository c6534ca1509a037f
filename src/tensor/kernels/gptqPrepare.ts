import { Tensor } from '../tensor.ts';
import { fakeQuantize } from './fakeQuant.ts';
import { FP8_E4M3_MAX, fakeQuantizeFp8, roundToE4M3 } from './fp8.ts';

/** What GPTQ needs of a weight's quantization args (compressed-tensors names in camelCase). */
export interface GptqOptions {
  numBits: number;
  /** `float`: FP8 e4m3 (symmetric, tensor or channel). */
  type?: 'int' | 'float';
  symmetric: boolean;
  strategy: 'tensor' | 'channel' | 'group';
  groupSize: number | null;
  /** `weight`: quantize columns by decreasing Hessian diagonal, groups by original column; `group`: groups of the permuted order too. */
  actorder: 'group' | 'weight' | null;
  blockSize: number;
  dampeningFrac: number;
  /**
   * The weight's dtype. float32 (upstream's GPTQ_PRECISION): the factorization and the error feedback run in
   * float32 (gptq32.ts) and the quantizer rounds like the float32 model; float64: all of it in float64.
   */
  dtype: 'float32' | 'float64';
}

export interface GptqResult {
  /** Quantized weight [rows, cols] row-major, original column order. */
  weight: Float64Array;
  /** [1] (tensor), [rows] (channel) or [rows, groups] (group). */
  scales: Float64Array;
  zeroPoints: Int32Array;
  /** Column → group (group strategy), null otherwise. */
  gIdx: Int32Array | null;
  /** Σ (w − q)²/d² / 2 over every weight (upstream's logged loss). */
  loss: number;
  /** False when H + damp was not positive definite and the layer fell back to round-to-nearest. */
  inverted: boolean;
}

/** Fraction of zeros at or above which GPTQ keeps zeros zero (upstream `SPARSITY_THRESHOLD`). */
export const SPARSITY_THRESHOLD = 0.05;

/** A layer ready for the GPTQ sweep: everything before the inverse factor and after it but the loop itself. */
export interface PreparedLayer {
  rows: number;
  n: number;
  /** Column order of the sweep (actorder), null for the identity. */
  perm: Int32Array | null;
  /** Working weight, column-major [n][rows], permuted; dead inputs' columns zeroed. */
  WT: Float64Array;
  /**
   * What the inverse factor is taken of: H permuted, dead inputs' diagonal 1, dampened. Entry (i, j) is
   * `hessian[perm[i]·n + perm[j]]` off the diagonal and `diag[i]` on it (see `permutedHessian`); the float32
   * path reads it straight into its arena instead of building this float64 copy.
   */
  hessian: Float64Array;
  diag: Float64Array;
  /** Column-major like WT, 1 = may change; null = all (the weight is not sparse). */
  nz: Uint8Array | null;
  quantizer: ColumnQuantizer;
}

/**
 * Upstream `quantize_weight` up to the inverse: actorder permutation, min-max scales and zero points of
 * the weight before GPTQ (of the permuted weight with actorder group), the sparsity mask, dead inputs
 * (H_ii = 0: H_ii = 1 and a zero column) and dampening λ = dampening_frac · mean(diag H).
 */
export function prepareLayer(w: ArrayLike<number>, rows: number, n: number, hessian: Float64Array, o: GptqOptions): PreparedLayer {
  const perm = o.actorder ? argsortDescending(diagonal(hessian, n)) : null;
  const WT = new Float64Array(rows * n);
  // column-major, permuted, in tiles so both the reads and the writes stay in cache
  for (let r0 = 0; r0 < rows; r0 += TILE)
    for (let j = 0; j < n; j++) {
      const src = perm ? perm[j] : j;
      for (let r = r0; r < Math.min(r0 + TILE, rows); r++) WT[j * rows + r] = w[r * n + src];
    }
  const quantizer = new ColumnQuantizer(o.actorder === 'group' ? fromColumnMajor(WT, rows, n) : w, rows, n, o, perm);

  let zeros = 0;
  for (let i = 0; i < WT.length; i++) if (WT[i] === 0) zeros++;
  const nz = zeros / WT.length >= SPARSITY_THRESHOLD ? Uint8Array.from(WT, (v) => (Math.abs(v) <= 1e-8 ? 0 : 1)) : null;

  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = perm ? perm[i] : i;
    diag[i] = hessian[c * n + c];
    if (diag[i] === 0) {
      diag[i] = 1;
      WT.fill(0, i * rows, (i + 1) * rows);
    }
  }
  let traceSum = 0;
  for (let i = 0; i < n; i++) traceSum += diag[i];
  const damp = o.dampeningFrac * (traceSum / n);
  for (let i = 0; i < n; i++) diag[i] += damp;
  return { rows, n, perm, WT, hessian, diag, nz, quantizer };
}

/** Rows per tile of the weight's transposition. */
const TILE = 16;

/** The prepared H as a float64 [n, n] row-major matrix (permuted, dead inputs and dampening applied). */
export function permutedHessian(p: PreparedLayer): Float64Array {
  const { n, perm, hessian, diag } = p;
  const out = perm ? new Float64Array(n * n) : hessian.slice();
  if (perm) {
    for (let i = 0; i < n; i++) {
      const row = perm[i] * n;
      for (let j = 0; j < n; j++) out[i * n + j] = hessian[row + perm[j]];
    }
  }
  for (let i = 0; i < n; i++) out[i * n + i] = diag[i];
  return out;
}

const RNE = 6755399441055744;
const roundHalfEven = (v: number): number => v + RNE - RNE;

/**
 * The quantizer of the sweep: `column(c)` selects sweep column c's scales (its group), `q(x, r)` fake-
 * quantizes row r's value with them, rounding intermediates to float32 for a float32 weight.
 */
export class ColumnQuantizer {
  readonly scales: Float64Array;
  readonly zeroPoints: Int32Array;
  readonly #groupSize: number;
  readonly #stride: number;
  readonly #perm: Int32Array | null;
  readonly #byOriginalColumn: boolean;
  readonly #fp8: boolean;
  readonly #r32: (x: number) => number;
  readonly #qmin: number;
  readonly #qmax: number;
  #offset = 0;

  constructor(w: ArrayLike<number>, rows: number, n: number, o: GptqOptions, perm: Int32Array | null) {
    const qp = observeWeight(w, rows, n, o);
    this.scales = qp.scales;
    this.zeroPoints = qp.zeroPoints;
    this.#groupSize = o.strategy === 'group' ? (o.groupSize as number) : 0;
    // scale index of (row r, column c) = r·stride + (group strategy: group of c)
    this.#stride = o.strategy === 'tensor' ? 0 : o.strategy === 'channel' ? 1 : Math.ceil(n / this.#groupSize);
    this.#perm = perm;
    this.#byOriginalColumn = o.actorder === 'weight';
    this.#fp8 = o.type === 'float';
    this.#r32 = o.dtype === 'float32' ? Math.fround : (x: number) => x;
    this.#qmin = -(2 ** (o.numBits - 1));
    this.#qmax = 2 ** (o.numBits - 1) - 1;
  }

  /** Group of sweep column c (original column's group with actorder weight). */
  groupOf(c: number): number {
    return this.#byOriginalColumn && this.#perm ? Math.floor(this.#perm[c] / this.#groupSize) : Math.floor(c / this.#groupSize);
  }

  column(c: number): void {
    this.#offset = this.#groupSize ? this.groupOf(c) : 0;
  }

  q(x: number, r: number): number {
    const k = r * this.#stride + this.#offset;
    const scale = this.scales[k];
    const r32 = this.#r32;
    if (this.#fp8) {
      let v = r32(x / scale);
      v = v < -FP8_E4M3_MAX ? -FP8_E4M3_MAX : v > FP8_E4M3_MAX ? FP8_E4M3_MAX : v;
      return r32(roundToE4M3(v) * scale);
    }
    const zp = this.zeroPoints[k];
    let v = r32(r32(x / scale) + zp);
    v = v < this.#qmin ? this.#qmin : v > this.#qmax ? this.#qmax : v;
    return r32((roundHalfEven(v) - zp) * scale);
  }

  /** Column → group in the original column order (group strategy), null otherwise. */
  gIdx(n: number): Int32Array | null {
    if (!this.#groupSize) return null;
    const g = new Int32Array(n);
    for (let j = 0; j < n; j++) g[this.#perm ? this.#perm[j] : j] = this.groupOf(j);
    return g;
  }
}

/** The sweep's result: the working weight (sweep order, read through `at(column, row)`) back to [rows, n] in the original order. */
export function finishLayer(p: PreparedLayer, at: (c: number, r: number) => number, loss: number, inverted: boolean): GptqResult {
  const { rows, n, perm } = p;
  const out = new Float64Array(rows * n);
  for (let j = 0; j < n; j++) {
    const dst = perm ? perm[j] : j;
    for (let r = 0; r < rows; r++) out[r * n + dst] = at(j, r);
  }
  const q = p.quantizer;
  return { weight: out, scales: q.scales, zeroPoints: q.zeroPoints, gIdx: q.gIdx(n), loss: loss / 2, inverted };
}

/** Min-max scales and zero points of the weight, by strategy (the `memoryless_minmax` weight observer). */
function observeWeight(w: ArrayLike<number>, rows: number, cols: number, o: GptqOptions): { scales: Float64Array; zeroPoints: Int32Array } {
  const t = new Tensor(o.dtype === 'float32' ? Float32Array.from(w) : Float64Array.from(w), [rows, cols]);
  if (o.type === 'float') {
    const f = fakeQuantizeFp8(t, o.strategy === 'tensor' ? 'tensor' : 'channel');
    return { scales: Float64Array.from(f.scales.data), zeroPoints: new Int32Array(f.scales.size) };
  }
  const opts = { numBits: o.numBits, symmetric: o.symmetric };
  const r =
    o.strategy === 'tensor'
      ? fakeQuantize(t.reshape([1, rows * cols]), { ...opts, strategy: 'channel' })
      : fakeQuantize(t, { ...opts, strategy: o.strategy === 'group' ? 'group' : 'channel', groupSize: o.groupSize ?? undefined });
  return { scales: Float64Array.from(r.scales.data), zeroPoints: r.zeroPoints };
}

function diagonal(h: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = h[i * n + i];
  return d;
}

/** Indices by decreasing value, ties by increasing index (a stable descending argsort). */
function argsortDescending(v: ArrayLike<number>): Int32Array {
  const idx = Array.from({ length: v.length }, (_, i) => i);
  idx.sort((a, b) => v[b] - v[a] || a - b);
  return Int32Array.from(idx);
}

function fromColumnMajor(wt: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let r = 0; r < rows; r++) out[r * cols + j] = wt[j * rows + r];
  return out;
}
