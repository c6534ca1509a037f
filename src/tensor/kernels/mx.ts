import type { Tensor } from '../tensor.ts';
import { quantizeGroups, type FastGroups } from './floatGroups.ts';
import { absMax, quantizeGroupE2M1 } from './fp4.ts';
import { quantizeRunE4M3 } from './fp8.ts';

/** MX element types by bit width: FP4 e2m1 (MXFP4) and FP8 e4m3 (MXFP8). */
export type MxElementBits = 4 | 8;

/** `floor(log2(max))` of the element type: what `generate_mx_scales` subtracts from the group's exponent. */
const ELEMENT_EXPONENT: Record<MxElementBits, number> = { 4: 2, 8: 8 };

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * The biased E8M0 exponent of a group whose largest magnitude is `amax` (compressed-tensors 0.17
 * `generate_mx_scales`): `round_to_power_2` adds a quarter of the leading binade to the float's bits and keeps
 * sign and exponent, so `amax = 1.f·2^e` becomes `2^e`, or `2^(e+1)` when f ≥ 0.75; then
 * `127 + log2 − emax(element)`, clamped to the uint8 range [0, 255] (a zero group gives −∞ → 0).
 */
export function mxScaleExponent(amax: number, bits: MxElementBits, f32: boolean): number {
  let e: number;
  if (f32) {
    F32[0] = amax;
    const biased = ((U32[0] + 0x200000) & 0xff800000) >>> 23;
    if (biased === 0) return 0; // rounded to 0 (zero or a small subnormal): log2 → −∞
    e = biased - 127;
  } else {
    if (amax === 0) return 0;
    e = Math.floor(Math.log2(amax));
    if (2 ** e > amax) e -= 1;
    else if (2 ** (e + 1) <= amax) e += 1;
    if (amax / 2 ** e >= 1.75) e += 1;
  }
  const biased = 127 + e - ELEMENT_EXPONENT[bits];
  return biased < 0 ? 0 : biased > 255 ? 255 : biased;
}

/**
 * MX fake quantization (MXFP4 / MXFP8 presets: group strategy, group_size 32, uint8 scales) along the last
 * dimension: per group the power-of-two scale `2^(E−127)` of `mxScaleExponent`, then
 * `x̂ = elem(clamp(x/scale, ±max))·scale` with e2m1 (4 bits) or e4m3 (8 bits) elements, float32 intermediates
 * rounded. `scales` holds the biased exponents E.
 */
export function fakeQuantizeMx(x: Tensor, bits: MxElementBits, groupSize = 32, fast?: FastGroups): { value: Tensor; scales: Tensor } {
  const f32 = x.dtype === 'float32';
  const fr = f32 ? Math.fround : (v: number) => v;
  return quantizeGroups(x, groupSize, 'fakeQuantizeMx', (src, dst, start, end) => {
    const e = mxScaleExponent(absMax(src, start, end), bits, f32);
    const scale = fr(2 ** (e - 127));
    if (bits === 4) quantizeGroupE2M1(src, dst, start, end, scale, f32);
    else quantizeRunE4M3(src, dst, start, end, scale, f32);
    return e;
  }, fast);
}
