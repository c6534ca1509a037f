import { Tensor } from '../tensor.ts';
import type { FastGroups } from './floatGroups.ts';
import { dims2 } from './matmul.ts';

/** Largest finite float8 e4m3fn value (torch.finfo(torch.float8_e4m3fn).max). */
export const FP8_E4M3_MAX = 448;

const RNE = 6755399441055744;

const F64 = new Float64Array(1);
const W32 = new Uint32Array(F64.buffer); // [low word, high word] (little-endian, as every supported platform)
/** float64 exponent field of 2⁻⁶ (e4m3's smallest normal binade), and 49 binades (52 − 3 mantissa bits). */
const E4M3_MIN_HI = (1023 - 6) << 20;
const SHIFT_49_HI = 49 << 20;

/**
 * Rounds a number already clamped to [−448, 448] to the nearest float8 e4m3fn value, ties to even (what
 * `tensor.to(torch.float8_e4m3fn)` does): 3 mantissa bits, exponents −6…8, subnormals in steps of 2⁻⁹. The
 * result is exact in float32 and float64. The sign of zero is kept; NaN and ±∞ are returned as they are,
 * anything else beyond 448 in magnitude saturates. Without a logarithm: `|v| + C − C` with
 * `C = 2^(max(e, −6) + 49)`, e the float64 exponent of |v|, rounds |v| to a multiple of 2^(e−3) in the adder.
 */
export function roundToE4M3(v: number): number {
  const a = v < 0 ? -v : v;
  if (a === 0 || !(a < Infinity)) return v;
  if (a > FP8_E4M3_MAX) return v < 0 ? -FP8_E4M3_MAX : FP8_E4M3_MAX;
  F64[0] = a;
  const hi = W32[1] & 0x7ff00000;
  W32[1] = (hi > E4M3_MIN_HI ? hi : E4M3_MIN_HI) + SHIFT_49_HI;
  W32[0] = 0;
  const c = F64[0];
  const q = Math.min(a + c - c, FP8_E4M3_MAX);
  return v < 0 ? -q : q;
}

/**
 * Whole-tensor float32 implementations (the WebAssembly ones): `rows` quantizes each row with its own scale
 * (amax with `Math.max`'s NaN), `all` every element with one given scale; each fills its outputs or returns false.
 * `absMax` is the per-tensor amax (`Math.max` of |x| from 0, NaN if any is NaN), or null to leave it to the loop.
 */
export interface FastFp8 {
  rows: FastGroups;
  all: (src: Float32Array, dst: Float32Array, scale: number) => boolean;
  absMax: (src: Float32Array) => number | null;
}

/**
 * FP8 (e4m3) fake quantization as compressed-tensors 0.17 does it for symmetric float args: per slice
 * `scale = max(|min(0, lo)|, max(0, hi)) / 448` (0 → the dtype's eps), `q = e4m3(clamp(x/scale, ±448))`,
 * `x̂ = q·scale`, every float32 intermediate rounded. Slices: the whole tensor (`tensor`) or each row
 * (`channel` for a weight [out, in], `token` for activations [tokens, in]).
 */
export function fakeQuantizeFp8(x: Tensor, strategy: 'tensor' | 'channel' | 'token', fast?: FastFp8): { value: Tensor; scales: Tensor } {
  const [rows0, cols0] = dims2(x.shape.length > 2 ? x.reshape([x.size / x.shape[x.shape.length - 1], x.shape[x.shape.length - 1]]) : x);
  const [rows, cols] = strategy === 'tensor' ? [1, rows0 * cols0] : [rows0, cols0];
  const f32 = x.dtype === 'float32';
  const r: (v: number) => number = f32 ? Math.fround : (v) => v;
  const eps = f32 ? 2 ** -23 : 2 ** -52;
  const value = Tensor.zeros(x.shape, x.dtype);
  const scales = Tensor.zeros([rows], x.dtype);
  if (fast && x.data instanceof Float32Array && rows > 1 && fast.rows(x.data, value.data as Float32Array, scales.data as Float32Array, cols)) {
    return { value, scales };
  }
  const all = fast && rows === 1 && x.data instanceof Float32Array ? fast.all : undefined;
  for (let i = 0; i < rows; i++) {
    let m = (all && fast?.absMax(x.data as Float32Array)) ?? null;
    if (m === null) {
      m = 0;
      for (let j = i * cols; j < (i + 1) * cols; j++) m = Math.max(m, Math.abs(x.data[j]));
    }
    let scale = r(m / FP8_E4M3_MAX);
    if (scale === 0) scale = eps;
    scales.data[i] = scale;
    if (all?.(x.data as Float32Array, value.data as Float32Array, scale)) continue;
    quantizeRunE4M3(x.data, value.data, i * cols, (i + 1) * cols, scale, f32, true);
  }
  return { value, scales };
}

/** FP8 fake quantization of every element with a fixed scale (static activations). */
export function fakeQuantizeFp8Static(x: Tensor, scale: number, fast?: FastFp8): Tensor {
  const out = Tensor.zeros(x.shape, x.dtype);
  if (fast && x.data instanceof Float32Array && fast.all(x.data, out.data as Float32Array, scale)) return out;
  quantizeRunE4M3(x.data, out.data, 0, x.size, scale, x.dtype === 'float32', true);
  return out;
}

/** The per-tensor FP8 scale of data whose extremes are `lo`, `hi`. */
export function fp8TensorScale(lo: number, hi: number, dtype: Tensor['dtype']): number {
  const r: (v: number) => number = dtype === 'float32' ? Math.fround : (v) => v;
  const s = r(Math.max(Math.abs(Math.min(0, lo)), Math.max(0, hi)) / FP8_E4M3_MAX);
  return s === 0 ? (dtype === 'float32' ? 2 ** -23 : 2 ** -52) : s;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * `roundToE4M3` for a float32 value already clamped to [−448, 448], by integer rounding of its bits (ties to
 * even on the 4th mantissa bit) instead of a logarithm: the fast path of the element loops.
 */
export function roundToE4M3F32(v: number): number {
  const a = v < 0 ? -v : v;
  if (a < 0.015625) {
    const q = (a * 512 + RNE - RNE) / 512; // subnormals: steps of 2⁻⁹
    return v < 0 ? -q : q;
  }
  F32[0] = a;
  const b = U32[0];
  U32[0] = (b + 0x7ffff + ((b >>> 20) & 1)) & 0xfff00000;
  const q = F32[0];
  return v < 0 ? -q : q;
}

/**
 * `dst[j] = e4m3(clamp(src[j]/scale, ±448))·scale` for j in [start, end): float32 (every intermediate rounded;
 * `roundToE4M3F32`, which makes −0 +0, unless `keepZeroSign`: `roundToE4M3`'s results, as fakeQuantizeFp8
 * has them) or float64 (`roundToE4M3`, −0 kept), one loop each so that neither calls through a function value;
 * here, beside the rounding functions, so the per-element calls stay in one module.
 */
export function quantizeRunE4M3(
  src: ArrayLike<number>, dst: { [i: number]: number }, start: number, end: number, scale: number, f32: boolean, keepZeroSign = false,
): void {
  if (f32) {
    for (let j = start; j < end; j++) {
      let v = Math.fround(src[j] / scale);
      v = v < -FP8_E4M3_MAX ? -FP8_E4M3_MAX : v > FP8_E4M3_MAX ? FP8_E4M3_MAX : v;
      dst[j] = Math.fround((keepZeroSign && v === 0 ? v : roundToE4M3F32(v)) * scale);
    }
    return;
  }
  for (let j = start; j < end; j++) {
    let v = src[j] / scale;
    v = v < -FP8_E4M3_MAX ? -FP8_E4M3_MAX : v > FP8_E4M3_MAX ? FP8_E4M3_MAX : v;
    dst[j] = roundToE4M3(v) * scale;
  }
}
