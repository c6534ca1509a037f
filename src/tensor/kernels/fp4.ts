import { Tensor } from '../tensor.ts';
import { FP8_E4M3_MAX, roundToE4M3, roundToE4M3F32 } from './fp8.ts';
import { quantizeGroups, type FastGroups } from './floatGroups.ts';

/** Largest FP4 e2m1 value (compressed-tensors' `FP4_E2M1_DATA.max`). */
export const FP4_E2M1_MAX = 6;

/**
 * Rounds a number already clamped to [−6, 6] to the nearest FP4 e2m1 value (0, 0.5, 1, 1.5, 2, 3, 4, 6), ties
 * to even: compressed-tensors' `cast_to_fp4` interval table (0.25 → 0, 0.75 → 1, 1.25 → 1, 1.75 → 2,
 * 2.5 → 2, 3.5 → 4, 5 → 4), which is round-to-nearest-even on one mantissa bit.
 */
export function roundToE2M1(v: number): number {
  const a = v < 0 ? -v : v;
  const q = a <= 0.25 ? 0 : a < 0.75 ? 0.5 : a <= 1.25 ? 1 : a < 1.75 ? 1.5 : a <= 2.5 ? 2 : a < 3.5 ? 3 : a <= 5 ? 4 : 6;
  return v < 0 ? -q : q;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const RNE = 6755399441055744;

/**
 * `roundToE2M1` for a float32 value already clamped to [−6, 6], without the interval table's branches: below 1
 * (e2m1's subnormals, steps of 0.5) by the add-and-subtract trick, from 1 by integer rounding of the float32
 * bits to one mantissa bit (ties to even). The element loops' fast path.
 */
export function roundToE2M1F32(v: number): number {
  const a = v < 0 ? -v : v;
  let q: number;
  if (a < 1) q = (a * 2 + RNE - RNE) * 0.5;
  else {
    F32[0] = a;
    const b = U32[0];
    U32[0] = (b + 0x1fffff + ((b >>> 22) & 1)) & 0xffc00000;
    q = F32[0];
  }
  return v < 0 ? -q : q;
}

/**
 * NVFP4's global scale (`generate_gparam`): `448·6 / max(|min(0, lo)|, max(0, hi), tiny)` in float32, so the
 * largest group scale lands on the top of the FP8 range; an infinite or NaN result becomes 1.
 */
export function nvfp4GlobalScale(lo: number, hi: number, dtype: Tensor['dtype']): number {
  const f32 = dtype === 'float32';
  const tiny = f32 ? 2 ** -126 : 2 ** -1022;
  const amax = Math.max(Math.abs(Math.min(0, lo)), Math.max(0, hi), tiny);
  const g = f32 ? Math.fround((FP8_E4M3_MAX * FP4_E2M1_MAX) / amax) : (FP8_E4M3_MAX * FP4_E2M1_MAX) / amax;
  return Number.isFinite(g) ? g : 1;
}

/** The extremes of a tensor's data (the global scale's observation). */
export function dataRange(data: ArrayLike<number>): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}

/**
 * NVFP4 (tensor_group) fake quantization as compressed-tensors 0.17 does it, along the last dimension in
 * groups of `groupSize` (16 for the presets): per group `s = e4m3(clamp(g·(amax/6), ±448))` (0 → 0.125, the
 * FP8 eps), effective scale `s/g`, `q = e2m1(clamp(x/(s/g), ±6))`, `x̂ = q·(s/g)`; every float32 intermediate
 * rounded. `globalScale` defaults to the tensor's own (`nvfp4GlobalScale`); activations pass the calibrated
 * one. `scales` holds the FP8 group scales `s` (before the division by `g`). `fast` (float32 data) takes the
 * global scale as its last argument.
 */
export function fakeQuantizeNvfp4(
  x: Tensor, groupSize: number, globalScale?: number, fast?: (...a: [...Parameters<FastGroups>, number]) => boolean,
): { value: Tensor; scales: Tensor; globalScale: number } {
  let g = globalScale;
  if (g === undefined) {
    const { lo, hi } = dataRange(x.data);
    g = nvfp4GlobalScale(lo, hi, x.dtype);
  }
  const gs = g;
  const f32 = x.dtype === 'float32';
  const round8 = f32 ? roundToE4M3F32 : roundToE4M3;
  const fr = f32 ? Math.fround : (v: number) => v;
  const { value, scales } = quantizeGroups(x, groupSize, 'fakeQuantizeNvfp4', (src, dst, start, end) => {
    const m = absMax(src, start, end);
    let s = fr(gs * fr(m / FP4_E2M1_MAX));
    s = round8(s > FP8_E4M3_MAX ? FP8_E4M3_MAX : s);
    if (s === 0) s = 0.125;
    quantizeGroupE2M1(src, dst, start, end, fr(s / gs), f32);
    return s;
  }, fast && ((src, dst, sc, size) => fast(src, dst, sc, size, gs)));
  return { value, scales, globalScale: g };
}

/** max |src[j]| for j in [start, end): a group's amax. */
export function absMax(src: ArrayLike<number>, start: number, end: number): number {
  let m = 0;
  for (let j = start; j < end; j++) {
    const a = src[j] < 0 ? -src[j] : src[j];
    if (a > m) m = a;
  }
  return m;
}

/** `dst[j] = e2m1(clamp(src[j]/scale, ±6))·scale` for j in [start, end). */
export function quantizeGroupE2M1(src: ArrayLike<number>, dst: { [i: number]: number }, start: number, end: number, scale: number, f32: boolean): void {
  if (f32) {
    for (let j = start; j < end; j++) {
      let v = Math.fround(src[j] / scale);
      v = v < -FP4_E2M1_MAX ? -FP4_E2M1_MAX : v > FP4_E2M1_MAX ? FP4_E2M1_MAX : v;
      dst[j] = Math.fround(roundToE2M1F32(v) * scale);
    }
    return;
  }
  for (let j = start; j < end; j++) {
    let v = src[j] / scale;
    v = v < -FP4_E2M1_MAX ? -FP4_E2M1_MAX : v > FP4_E2M1_MAX ? FP4_E2M1_MAX : v;
    dst[j] = roundToE2M1(v) * scale;
  }
}
