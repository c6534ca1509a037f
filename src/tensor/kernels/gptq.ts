import { Tensor } from '../tensor.ts';
import { fakeQuantize } from './fakeQuant.ts';
import { FP8_E4M3_MAX, fakeQuantizeFp8, roundToE4M3 } from './fp8.ts';
import { upperCholeskyOfInverse } from './inverseCholesky.ts';
import { blockUpdate, identity } from './obsBlockUpdate.ts';

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
  /** float32 rounds the quantizer's intermediates as the float32 model does; float64 keeps them exact. */
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

/** Columns per sub-block inside a GPTQ block: the scalar feedback runs within one, products between them. */
const SUB = 16;

/** Fraction of zeros at or above which GPTQ keeps zeros zero (upstream `SPARSITY_THRESHOLD`). */
export const SPARSITY_THRESHOLD = 0.05;

/**
 * GPTQ (Frantar et al. 2022, arXiv 2210.17323; LLM Compressor 0.12 `gptq_quantize.quantize_weight`):
 * quantize a Linear weight column by column, each column's rounding error fed back into the columns not yet
 * quantized through the upper Cholesky factor U of (H + λI)⁻¹, λ = dampening_frac · mean(diag H); columns
 * in blocks of `blockSize` with the rest updated once per block (lazy batch updates, §3.4 of the OBC paper),
 * and the same again inside a block in sub-blocks of SUB columns, so all but the innermost feedback runs as
 * matrix products (float64, wasm SIMD); the quantizer rounds in float32 or float64 per `dtype`.
 * Scales and zero points are min-max of the weight before GPTQ (of the permuted weight with actorder group).
 * Dead inputs (H_ii = 0) get H_ii = 1 and a zero column. Buffers: `w` [rows, cols] row-major; `hessian`
 * [cols, cols] row-major float64 (not modified). `inverseFactor` computes U (a parameter so the bench can
 * time its steps).
 */
export function gptqQuantize(
  w: ArrayLike<number>,
  rows: number,
  cols: number,
  hessian: Float64Array,
  o: GptqOptions,
  inverseFactor: (h: Float64Array, n: number) => Float64Array | null = upperCholeskyOfInverse,
): GptqResult {
  const n = cols;
  const H = Float64Array.from(hessian);
  const perm = o.actorder ? argsortDescending(diagonal(H, n)) : null;
  // column-major working copy WT [cols][rows], in permuted order
  const WT = new Float64Array(rows * n);
  for (let j = 0; j < n; j++) {
    const src = perm ? perm[j] : j;
    for (let r = 0; r < rows; r++) WT[j * rows + r] = w[r * n + src];
  }
  const Hp = perm ? permuteSymmetric(H, perm, n) : H;

  const qp = observeWeight(o.actorder === 'group' ? fromColumnMajor(WT, rows, n) : w, rows, n, o);
  const gs = o.strategy === 'group' ? (o.groupSize as number) : 0;
  const groupOf = (j: number): number => (o.actorder === 'weight' && perm ? Math.floor(perm[j] / gs) : Math.floor(j / gs));
  const groups = gs ? Math.ceil(n / gs) : 1;
  // scale index of (row r, column j) = r·scaleStride + (group strategy: groupOf(j))
  const scaleStride = o.strategy === 'tensor' ? 0 : o.strategy === 'channel' ? 1 : groups;

  let zeros = 0;
  for (let i = 0; i < WT.length; i++) if (WT[i] === 0) zeros++;
  const preserveZeros = zeros / WT.length >= SPARSITY_THRESHOLD;
  const nz = preserveZeros ? Uint8Array.from(WT, (v) => (Math.abs(v) <= 1e-8 ? 0 : 1)) : null;

  let traceSum = 0;
  for (let i = 0; i < n; i++) {
    if (Hp[i * n + i] === 0) {
      Hp[i * n + i] = 1;
      WT.fill(0, i * rows, (i + 1) * rows);
    }
  }
  for (let i = 0; i < n; i++) traceSum += Hp[i * n + i];
  const damp = o.dampeningFrac * (traceSum / n);
  for (let i = 0; i < n; i++) Hp[i * n + i] += damp;
  const inverse = inverseFactor(Hp, n);
  const U = inverse ?? identity(n);

  const r32 = o.dtype === 'float32' ? Math.fround : (x: number) => x;
  const fp8 = o.type === 'float';
  const qmin = -(2 ** (o.numBits - 1));
  const qmax = 2 ** (o.numBits - 1) - 1;
  let loss = 0;
  const B = Math.max(1, o.blockSize);
  for (let i1 = 0; i1 < n; i1 += B) {
    const i2 = Math.min(i1 + B, n);
    const count = i2 - i1;
    const err = new Float64Array(count * rows);
    for (let i = 0; i < count; i++) {
      const c = i1 + i;
      const d = U[c * n + c];
      const col = c * rows;
      const groupOffset = gs ? groupOf(c) : 0;
      for (let r = 0; r < rows; r++) {
        const k = r * scaleStride + groupOffset;
        const scale = qp.scales[k];
        const zp = qp.zeroPoints[k];
        const x = WT[col + r];
        let q: number;
        if (fp8) {
          let v = r32(x / scale);
          v = v < -FP8_E4M3_MAX ? -FP8_E4M3_MAX : v > FP8_E4M3_MAX ? FP8_E4M3_MAX : v;
          q = r32(roundToE4M3(v) * scale);
        } else {
          let v = r32(r32(x / scale) + zp);
          v = v < qmin ? qmin : v > qmax ? qmax : v;
          q = r32((roundHalfEven(v) - zp) * scale);
        }
        const e = (x - q) / d;
        loss += e * e;
        WT[col + r] = q;
        err[i * rows + r] = e;
      }
      // within the sub-block: column by column; the rest of the block takes the sub-block's errors at once
      const s1 = i - (i % SUB);
      const s2 = Math.min(s1 + SUB, count);
      for (let j = i + 1; j < s2; j++) {
        const h = U[c * n + i1 + j];
        if (h === 0) continue;
        const cj = (i1 + j) * rows;
        if (nz) for (let r = 0; r < rows; r++) WT[cj + r] -= h * err[i * rows + r] * nz[cj + r];
        else for (let r = 0; r < rows; r++) WT[cj + r] -= h * err[i * rows + r];
      }
      if (i + 1 === s2 && s2 < count) blockUpdate(WT, U, err.subarray(s1 * rows), nz, rows, n, i1 + s1, i1 + s2, i2);
    }
    if (i2 < n) blockUpdate(WT, U, err, nz, rows, n, i1, i2);
  }

  const out = new Float64Array(rows * n);
  for (let j = 0; j < n; j++) {
    const dst = perm ? perm[j] : j;
    for (let r = 0; r < rows; r++) out[r * n + dst] = WT[j * rows + r];
  }
  let gIdx: Int32Array | null = null;
  if (gs) {
    gIdx = new Int32Array(n);
    for (let j = 0; j < n; j++) gIdx[perm ? perm[j] : j] = groupOf(j);
  }
  return { weight: out, scales: qp.scales, zeroPoints: qp.zeroPoints, gIdx, loss: loss / 2, inverted: inverse !== null };
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

const RNE = 6755399441055744;
const roundHalfEven = (v: number): number => v + RNE - RNE;

function diagonal(h: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = h[i * n + i];
  return d;
}

/** Indices by decreasing value, ties by increasing index (a stable descending argsort). */
export function argsortDescending(v: ArrayLike<number>): Int32Array {
  const idx = Array.from({ length: v.length }, (_, i) => i);
  idx.sort((a, b) => v[b] - v[a] || a - b);
  return Int32Array.from(idx);
}

function permuteSymmetric(h: Float64Array, perm: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = h[perm[i] * n + perm[j]];
  return out;
}

function fromColumnMajor(wt: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let r = 0; r < rows; r++) out[r * cols + j] = wt[j * rows + r];
  return out;
}
