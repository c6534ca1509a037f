import { Tensor } from '../tensor.ts';
import { fakeQuantize } from './fakeQuant.ts';
import { fakeQuantizeNvfp4, quantizeGroupE2M1 } from './fp4.ts';
import { fakeQuantizeFp8, quantizeRunE4M3 } from './fp8.ts';
import { fakeQuantizeFp8Block, fakeQuantizeFp8Group } from './fp8Block.ts';
import { fakeQuantizeMx } from './mx.ts';

/**
 * The float formats GPTQ quantizes to (modifiers' `floatFormat`): FP8 e4m3 per tensor/channel (`fp8`), per
 * group (`fp8_group`) or per block (`fp8_block`), NVFP4 (tensor_group 16, FP8 group scales, a global scale)
 * and MX (group 32, E8M0 scales, e2m1 or e4m3 elements by `numBits`).
 */
export type GptqFloatFormat = 'fp8' | 'fp8_group' | 'fp8_block' | 'nvfp4' | 'mx';

/** What GPTQ needs of a weight's quantization args (compressed-tensors names in camelCase). */
export interface GptqOptions {
  numBits: number;
  /** `float`: the float format `format` (default `fp8`), symmetric. */
  type?: 'int' | 'float';
  format?: GptqFloatFormat;
  symmetric: boolean;
  strategy: 'tensor' | 'channel' | 'group' | 'tensor_group' | 'block';
  groupSize: number | null;
  /** `block`: [rows, cols] of a block (FP8_BLOCK's [128, 128]). */
  blockStructure?: [number, number] | null;
  /** NVFP4: the global scale (fused over q/k/v or gate/up by the caller); default the weight's own. */
  globalScale?: number;
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

const RNE = 6755399441055744;
const roundHalfEven = (v: number): number => v + RNE - RNE;

/** How one element is rounded: the int grid, or a float format's elements through the RTN kernels' own loops. */
type Element = 'int' | 'e4m3' | 'e4m3_keep_zero_sign' | 'e2m1';

/**
 * The quantizer of the sweep (upstream `fake_quantize` of one column with its group's scales): scales observed
 * once from the weight before the sweep by the RTN kernels themselves, so GPTQ's grid is RTN's bit for bit;
 * `column(c)` selects sweep column c's scale column (its group or block column), `q(x, r)` fake-quantizes row
 * r's value with it, rounding intermediates to float32 for a float32 weight.
 */
export class ColumnQuantizer {
  /** The recorded scales, as RTN records them: int/FP8 scales, NVFP4's FP8 group scales, MX's biased exponents. */
  readonly scales: Float64Array;
  readonly zeroPoints: Int32Array;
  /** RTN's scales' shape ([groups] for the float group formats, [row blocks, column blocks] for block). */
  readonly scaleShape: number[] | null;
  /** What an element is divided by: NVFP4's s/g, MX's 2^(E−127), else the scale. */
  readonly #divisor: Float64Array;
  /** Columns per scale column (group size, block columns); 0: one scale column. */
  readonly #groupSize: number;
  /** Scale index of row r's first scale column. */
  readonly #rowBase: Int32Array;
  readonly #perm: Int32Array | null;
  readonly #byOriginalColumn: boolean;
  readonly #element: Element;
  readonly #f32: boolean;
  readonly #r32: (x: number) => number;
  readonly #qmin: number;
  readonly #qmax: number;
  readonly #src = new Float64Array(1);
  readonly #dst = new Float64Array(1);
  #offset = 0;

  constructor(w: ArrayLike<number>, rows: number, n: number, o: GptqOptions, perm: Int32Array | null) {
    const qp = observeWeight(w, rows, n, o);
    this.scales = qp.scales;
    this.zeroPoints = qp.zeroPoints ?? new Int32Array(qp.scales.length);
    this.scaleShape = qp.shape;
    this.#divisor = qp.divisor;
    this.#element = qp.element;
    const blockRows = o.strategy === 'block' ? o.blockStructure![0] : 1;
    this.#groupSize = o.strategy === 'block' ? o.blockStructure![1] : o.strategy === 'group' || o.strategy === 'tensor_group' ? (o.groupSize as number) : 0;
    const stride = o.strategy === 'tensor' ? 0 : o.strategy === 'channel' ? 1 : Math.ceil(n / this.#groupSize);
    this.#rowBase = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / blockRows) * stride);
    this.#perm = perm;
    this.#byOriginalColumn = o.actorder === 'weight';
    this.#f32 = o.dtype === 'float32';
    this.#r32 = this.#f32 ? Math.fround : (x: number) => x;
    this.#qmin = -(2 ** (o.numBits - 1));
    this.#qmax = 2 ** (o.numBits - 1) - 1;
  }

  /** Group (block column) of sweep column c: the original column's with actorder weight. */
  groupOf(c: number): number {
    return this.#byOriginalColumn && this.#perm ? Math.floor(this.#perm[c] / this.#groupSize) : Math.floor(c / this.#groupSize);
  }

  column(c: number): void {
    this.#offset = this.#groupSize ? this.groupOf(c) : 0;
  }

  q(x: number, r: number): number {
    const k = this.#rowBase[r] + this.#offset;
    const scale = this.#divisor[k];
    const element = this.#element;
    if (element !== 'int') {
      this.#src[0] = x;
      if (element === 'e2m1') quantizeGroupE2M1(this.#src, this.#dst, 0, 1, scale, this.#f32);
      else quantizeRunE4M3(this.#src, this.#dst, 0, 1, scale, this.#f32, element === 'e4m3_keep_zero_sign');
      return this.#dst[0];
    }
    const r32 = this.#r32;
    const zp = this.zeroPoints[k];
    let v = r32(r32(x / scale) + zp);
    v = v < this.#qmin ? this.#qmin : v > this.#qmax ? this.#qmax : v;
    return r32((roundHalfEven(v) - zp) * scale);
  }

  /** Column → group (block column) in the original column order (group, tensor_group, block), null otherwise. */
  gIdx(n: number): Int32Array | null {
    if (!this.#groupSize) return null;
    const g = new Int32Array(n);
    for (let j = 0; j < n; j++) g[this.#perm ? this.#perm[j] : j] = this.groupOf(j);
    return g;
  }
}

interface Observed {
  scales: Float64Array;
  zeroPoints: Int32Array | null;
  divisor: Float64Array;
  element: Element;
  shape: number[] | null;
}

/**
 * The weight observer's parameters before the sweep: min-max scales and zero points by strategy (int), or the
 * float format's RTN kernel's scales of the same weight.
 */
function observeWeight(w: ArrayLike<number>, rows: number, cols: number, o: GptqOptions): Observed {
  const f32 = o.dtype === 'float32';
  const t = new Tensor(f32 ? Float32Array.from(w) : Float64Array.from(w), [rows, cols]);
  const fr = f32 ? Math.fround : (v: number) => v;
  const float = (scales: Tensor, element: Element, shape: number[] | null, divisor?: (s: number) => number): Observed => {
    const s = Float64Array.from(scales.data);
    return { scales: s, zeroPoints: null, divisor: divisor ? s.map(divisor) : s, element, shape };
  };
  if (o.type === 'float') {
    switch (o.format ?? 'fp8') {
      case 'fp8':
        return float(fakeQuantizeFp8(t, o.strategy === 'tensor' ? 'tensor' : 'channel').scales, 'e4m3_keep_zero_sign', null);
      case 'fp8_group': {
        const r = fakeQuantizeFp8Group(t, o.groupSize as number);
        return float(r.scales, 'e4m3', [r.scales.size]);
      }
      case 'fp8_block': {
        const [br, bc] = o.blockStructure!;
        const r = fakeQuantizeFp8Block(t, br, bc);
        return float(r.scales, 'e4m3', [...r.scales.shape]);
      }
      case 'nvfp4': {
        const r = fakeQuantizeNvfp4(t, o.groupSize as number, o.globalScale);
        return float(r.scales, 'e2m1', [r.scales.size], (s) => fr(s / r.globalScale));
      }
      case 'mx': {
        const r = fakeQuantizeMx(t, o.numBits as 4 | 8, o.groupSize as number);
        return float(r.scales, o.numBits === 4 ? 'e2m1' : 'e4m3', [r.scales.size], (e) => fr(2 ** (e - 127)));
      }
    }
  }
  const opts = { numBits: o.numBits, symmetric: o.symmetric };
  const r =
    o.strategy === 'tensor'
      ? fakeQuantize(t.reshape([1, rows * cols]), { ...opts, strategy: 'channel' })
      : fakeQuantize(t, { ...opts, strategy: o.strategy === 'group' ? 'group' : 'channel', groupSize: o.groupSize ?? undefined });
  const scales = Float64Array.from(r.scales.data);
  return { scales, zeroPoints: r.zeroPoints, divisor: scales, element: 'int', shape: null };
}
