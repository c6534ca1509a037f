import { chooseBackend, gpuJsMode, type BackendName, type BackendSetting } from './backend.ts';
import type { HadamardFactor } from './hadamard/randomHadamard.ts';
import { isSylvester } from './hadamard/sylvester.ts';
import { centerRows } from './kernels/centerRows.ts';
import { fakeQuantize, type FakeQuantOptions, type FakeQuantResult } from './kernels/fakeQuant.ts';
import { fuseNormIntoLinear } from './kernels/fuseNorm.ts';
import { checkFwht, fwhtRowsTs } from './kernels/fwht.ts';
import { fwhtColumnsTs } from './kernels/fwhtColumns.ts';
import { fwhtRowsF64 } from './kernels/fwhtRadix4.ts';
import { linearRows, linearRows64 } from './kernels/linear.ts';
import { dims2, matmul, type MatmulOptions } from './kernels/matmul.ts';
import { transformColumns, transformRows } from './kernels/rowTransform.ts';
import { Tensor, type TensorData } from './tensor.ts';
import { linearWasm } from './wasm/linear.ts';
import { fwhtWasm } from './wasm/runtime.ts';
import * as gpu from './gpu/kernels.ts';

/**
 * The backend-dispatching operations on tensors: every tensor transform a modifier runs, and the forward
 * pass's Linear, comes through here, and each asks `chooseBackend` (backend.ts) per call. Each takes an
 * optional `backend` that overrides `LLMC_SIM_BACKEND` for that call. float64 data never leaves a float64
 * kernel; float32 results agree across backends to float32 rounding. gpu.js is loaded only when used.
 */
export interface BackendOption {
  backend?: BackendSetting;
}

export interface FwhtOptions extends BackendOption {
  /** Power-of-two block (default: the whole row). */
  block?: number;
  /** Multiply by 1/√block (the orthonormal rotation). Default true. */
  normalize?: boolean;
}

/**
 * In place: every length-`block` piece `v` of every row becomes `v·S_block` (·1/√block when normalised).
 * Buffer: `x` [rows, cols], `block | cols`.
 */
export function fwhtRowsInPlace(x: Tensor, options: FwhtOptions = {}): Tensor {
  const [rows, cols] = dims2(x);
  const block = options.block ?? cols;
  checkFwht(cols, block);
  const scale = options.normalize === false ? 1 : 1 / Math.sqrt(block);
  fwhtFlat(x.data, rows, cols, block, scale, chooseBackend('fwht', x.dtype, x.size, options.backend));
  return x;
}

/** `fwhtRowsInPlace` on a copy. */
export function fwhtRows(x: Tensor, options: FwhtOptions = {}): Tensor {
  return fwhtRowsInPlace(x.clone(), options);
}

function fwhtFlat(data: TensorData, rows: number, cols: number, block: number, scale: number, backend: BackendName): void {
  if (backend === 'wasm' && data instanceof Float32Array && fwhtWasm(data, block, scale)) return;
  if (backend === 'gpujs' && data instanceof Float32Array) {
    data.set(gpu.fwhtGpu(gpuJsMode(), data, block, scale));
    return;
  }
  if (data instanceof Float64Array) fwhtRowsF64(data, rows, cols, block, scale);
  else fwhtRowsTs(data, rows, cols, block, scale);
}

export interface HadamardApplyOptions extends BackendOption {
  /** Use Mᵀ instead of M. */
  inverse?: boolean;
  /** Divide by √n (default true: Hadamard transforms are applied as `H/√n`, spinquant.md §7). */
  normalize?: boolean;
  /** The caller gives up the input: it may be overwritten and returned (saves a copy). Default false. */
  consume?: boolean;
}

/**
 * Row side: `X' = X·diag(M, …, M)` (or `Mᵀ` with `inverse`), `M = diag(s)·(H_k ⊗ S)ᵀ` of order n = f.n,
 * without materialising M: per n-block, forward `Y = H_k·(X∘s)·S`, inverse `Y = (H_kᵀ·X·S)∘s`, X seen as
 * [k, n/k]. When `H_k` is itself Sylvester (a power-of-two K other than Paley's 32), `H_k ⊗ S_{n/k} = S_n`
 * and the whole block is one FWHT of length n (signs still applied), O(n log n) instead of O(n·k).
 * Buffers: `x` [rows, cols], `n | cols`; result [rows, cols] in x's dtype; `mix` [n] float64 scratch
 * allocated once.
 */
export function hadamardRows(x: Tensor, f: HadamardFactor, options: HadamardApplyOptions = {}): Tensor {
  const [rows, cols] = dims2(x);
  if (cols % f.n !== 0) throw new RangeError(`${f.n} must divide ${cols}`);
  const out = options.consume === true ? x : x.clone();
  const d = out.data;
  const { n, hk, signs } = f;
  const k = f.k > 1 && isSylvester(hk) ? 1 : f.k; // S_k ⊗ S_{n/k} = S_n
  const b = n / k;
  const inverse = options.inverse === true;
  const scale = options.normalize === false ? 1 : 1 / Math.sqrt(n);
  if (signs && !inverse) for (let i = 0; i < d.length; i++) d[i] *= signs[i % n];
  if (b > 1) fwhtFlat(d, rows, cols, b, scale, chooseBackend('fwht', x.dtype, x.size, options.backend));
  else if (scale !== 1) for (let i = 0; i < d.length; i++) d[i] *= scale;
  if (k > 1) {
    const mix = new Float64Array(n);
    for (let base = 0; base < d.length; base += n) {
      mix.fill(0);
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) {
          const h = inverse ? hk.data[j * k + i] : hk.data[i * k + j];
          const src = base + j * b;
          const dst = i * b;
          if (h > 0) for (let t = 0; t < b; t++) mix[dst + t] += d[src + t];
          else for (let t = 0; t < b; t++) mix[dst + t] -= d[src + t];
        }
      for (let t = 0; t < n; t++) d[base + t] = mix[t];
    }
  }
  if (signs && inverse) for (let i = 0; i < d.length; i++) d[i] *= signs[i % n];
  return out;
}

/**
 * Column side: `W' = diag(M, …, M)·W` (or `Mᵀ` with `inverse`). Buffers: `w` [rows, cols], `n | rows`.
 * `M·W = (Wᵀ·Mᵀ)ᵀ`: with the ts FWHT and a pure-Sylvester block (k = 1 after folding) that is done in place
 * on the rows of W (row signs, `fwhtColumnsTs`), the same arithmetic per element as `hadamardRows` on the
 * transpose, so bit-identical to it without the two transposes; otherwise through the transposes.
 */
export function hadamardColumns(w: Tensor, f: HadamardFactor, options: HadamardApplyOptions = {}): Tensor {
  const [rows, cols] = dims2(w);
  const { n, hk, signs } = f;
  const k = f.k > 1 && isSylvester(hk) ? 1 : f.k;
  if (k > 1 || chooseBackend('fwht', w.dtype, w.size, options.backend) !== 'ts') {
    return transpose(hadamardRows(transpose(w), f, { ...options, inverse: !options.inverse, consume: true }));
  }
  if (rows % n !== 0) throw new RangeError(`${n} must divide ${rows}`);
  const out = options.consume === true ? w : w.clone();
  const d = out.data;
  const signsFirst = options.inverse === true; // hadamardRows(Wᵀ, inverse: !inverse) signs first when not inverse
  const scale = options.normalize === false ? 1 : 1 / Math.sqrt(n);
  if (signs && signsFirst) scaleRows(d, cols, signs, n);
  if (n > 1) fwhtColumnsTs(d, rows, cols, n, scale);
  else if (scale !== 1) for (let i = 0; i < d.length; i++) d[i] *= scale;
  if (signs && !signsFirst) scaleRows(d, cols, signs, n);
  return out;
}

/** Row r of `d` [rows, cols] times `signs[r % n]`, in place. */
function scaleRows(d: TensorData, cols: number, signs: Int8Array, n: number): void {
  for (let r = 0, o = 0; o < d.length; r++, o += cols) {
    const s = signs[r % n];
    for (let c = o; c < o + cols; c++) d[c] *= s;
  }
}

/** Transpose of a 2-D tensor. Buffers: `x` [r, c] → [c, r]. */
export function transpose(x: Tensor): Tensor {
  const [r, c] = dims2(x);
  const out = Tensor.zeros([c, r], x.dtype);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out.data[j * r + i] = x.data[i * c + j];
  return out;
}

/** The data of a float32 tensor (the only kind `chooseBackend` sends to gpu.js). */
const f32 = (t: Tensor): Float32Array => {
  if (!(t.data instanceof Float32Array)) throw new TypeError('gpu.js kernels take float32 data only');
  return t.data;
};

/** `matmul` with backend dispatch (gpujs supports plain A·B only; transposes use ts). */
export function matmulOp(a: Tensor, b: Tensor, options: MatmulOptions & BackendOption = {}): Tensor {
  const [m, k] = dims2(a);
  const [, n] = dims2(b);
  const plain = !options.transA && !options.transB && (options.dtype ?? a.dtype) === a.dtype && b.dtype === a.dtype;
  if (plain && chooseBackend('matmul', a.dtype, m * k * n, options.backend) === 'gpujs') {
    if (k !== b.rows) throw new RangeError(`matmul: inner dimensions differ (${k} vs ${b.rows})`);
    return new Tensor(gpu.matmulGpu(gpuJsMode(), f32(a), f32(b), m, k, n), [m, n]);
  }
  return matmul(a, b, options);
}

/** `transformRows` (X·diag(T…T)) with backend dispatch. */
export function transformRowsOp(x: Tensor, t: ArrayLike<number>, b: number, options: BackendOption = {}): Tensor {
  if (chooseBackend('rowTransform', x.dtype, x.size * b, options.backend) !== 'gpujs') return transformRows(x, t, b);
  transformRows(Tensor.zeros([1, b]), t, b); // validates the matrix
  if (x.cols % b !== 0) throw new RangeError(`${b} must divide ${x.cols}`);
  return new Tensor(gpu.transformRowsGpu(gpuJsMode(), f32(x), Float32Array.from(t), x.cols, b), x.shape);
}

/** `transformColumns` (diag(T…T)·W); the gpu.js path goes through the transpose. */
export function transformColumnsOp(w: Tensor, t: ArrayLike<number>, b: number, options: BackendOption = {}): Tensor {
  const backend = chooseBackend('rowTransform', w.dtype, w.size * b, options.backend);
  if (backend !== 'gpujs') return transformColumns(w, t, b);
  const tt = new Float64Array(b * b);
  for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) tt[j * b + i] = t[i * b + j];
  return transpose(transformRowsOp(transpose(w), tt, b, { backend }));
}

/** `fakeQuantize` with backend dispatch: scales and zero points always from the TS kernel (a reduction). */
export function fakeQuantizeOp(w: Tensor, options: FakeQuantOptions & BackendOption): FakeQuantResult {
  const ref = fakeQuantize(w, options);
  if (chooseBackend('fakeQuant', w.dtype, w.size, options.backend) !== 'gpujs') return ref;
  const cols = w.cols;
  const g = options.strategy === 'group' ? options.groupSize ?? cols : cols;
  const qmin = -(2 ** (options.numBits - 1));
  const value = gpu.fakeQuantGpu(gpuJsMode(), f32(w), f32(ref.scales), Float32Array.from(ref.zeroPoints), cols, g, qmin, -qmin - 1);
  return { ...ref, value: new Tensor(value, w.shape) };
}

/** `fuseNormIntoLinear` with backend dispatch. */
export function fuseNormOp(w: Tensor, g: Tensor, options: BackendOption = {}): Tensor {
  const gpuJs = chooseBackend('fuseNorm', w.dtype, w.size, options.backend) === 'gpujs';
  if (!gpuJs || g.dtype !== 'float32' || g.size !== w.cols) return fuseNormIntoLinear(w, g); // (throws on a shape mismatch)
  return new Tensor(gpu.fuseNormGpu(gpuJsMode(), f32(w), f32(g), w.cols), w.shape);
}

/** `centerRows` with backend dispatch. */
export function centerRowsOp(e: Tensor, options: BackendOption = {}): Tensor {
  if (chooseBackend('centerRows', e.dtype, e.size, options.backend) !== 'gpujs') return centerRows(e);
  return new Tensor(gpu.centerRowsGpu(gpuJsMode(), f32(e), e.cols), e.shape);
}

type Buf = TensorData;

/**
 * Linear over rows, `out (T, d) = x (T, n) · Wᵀ + b` (W [d, n], PyTorch layout; b [d] or null): the
 * WebAssembly-SIMD kernel or the TS loops, bit-identical for float32 and float64 (see wasm/linear.ts).
 * Allocates nothing on the TS path. The forward pass runs every Linear through here.
 */
export function linearInto(out: Buf, x: Buf, w: Buf, b: Buf | null, T: number, n: number, d: number, backend?: BackendSetting): void {
  const dtype = x instanceof Float64Array || w instanceof Float64Array ? 'float64' : 'float32';
  if (chooseBackend('linear', dtype, T * n * d, backend) === 'wasm' && linearWasm(out, x, w, b, T, n, d)) return;
  if (dtype === 'float32') linearRows(out, x, w, b, T, n, d);
  else linearRows64(out, x, w, b, T, n, d); // any float64 operand: the float64 copy (see kernels/linear.ts)
}

/**
 * `y = x·Wᵀ (+ b)` on tensors. Buffers: `x` [rows, in] (or [in]), `w` [out, in], `bias` [out]; result
 * [rows, out] in `x`'s dtype.
 */
export function linear(x: Tensor, w: Tensor, bias?: Tensor | null, options: BackendOption = {}): Tensor {
  const [rows, inX] = dims2(x);
  const [outF, inW] = dims2(w);
  if (inX !== inW) throw new RangeError(`linear: input has ${inX} features, weight expects ${inW}`);
  const out = Tensor.zeros(x.shape.length === 1 ? [outF] : [rows, outF], x.dtype);
  linearInto(out.data, x.data, w.data, bias ? bias.data : null, rows, inX, outF, options.backend);
  return out;
}

// Kernels with one implementation (plain TS, exact in float64): re-exported here, so code outside src/tensor has one
// entry point to the kernels whatever their backends (docs/backends.md).
export { fp8TensorScale } from './kernels/fp8.ts';
export { fakeQuantizeStatic, tensorQParams, type TensorQParams } from './kernels/fakeQuantStatic.ts';
export { accumulateRowScalars, wandaPrune } from './kernels/wanda.ts';
export { sparseGptPrune } from './kernels/sparsegpt.ts';
export { smoothingScales, type SmoothingAlgorithm } from './kernels/smoothing.ts';
export { gptqQuantize } from './kernels/gptq.ts';
export { accumulateGram } from './kernels/gram.ts';
export { roundToE4M3F32 } from './kernels/fp8.ts';
export { nvfp4GlobalScale, roundToE2M1, roundToE2M1F32 } from './kernels/fp4.ts';
export { mxScaleExponent } from './kernels/mx.ts';
export {
  dataRange, fakeQuantizeFp8, fakeQuantizeFp8Block, fakeQuantizeFp8Group, fakeQuantizeFp8Static, fakeQuantizeMx, fakeQuantizeNvfp4,
} from './floatQuant.ts';
