/**
 * A plain scalar reference for the float formats' fake quantization (NVFP4, MX, FP8 group/block/row/static),
 * written for the property tests from the rules in the kernels' doc comments (compressed-tensors 0.17), one
 * element at a time: e2m1 by compressed-tensors' interval table, e4m3 by a logarithm, every float32
 * intermediate rounded with Math.fround. Both backends of the kernels (TypeScript and WebAssembly) must equal
 * it bit for bit, −0 and NaN included.
 */
import { Tensor } from '../../src/tensor/tensor.ts';

type Out = { value: Tensor; scales: Tensor };
type Round = (v: number) => number;

/** e2m1 of v in [−6, 6]: the interval table; a zero result is +0 unless v is negative. */
function e2m1(v: number): number {
  const a = Math.abs(v);
  const q = a <= 0.25 ? 0 : a < 0.75 ? 0.5 : a <= 1.25 ? 1 : a < 1.75 ? 1.5 : a <= 2.5 ? 2 : a < 3.5 ? 3 : a <= 5 ? 4 : 6;
  return v < 0 ? -q : q; // NaN: `a <= …` all false → 6 (the float64 loops' behaviour; float32 keeps NaN, see below)
}

/** e4m3 of v in [−448, 448], ties to even; `keepZeroSign`: −0 stays −0 (else +0). NaN stays NaN. */
export function e4m3(v: number, keepZeroSign: boolean): number {
  if (Number.isNaN(v)) return v;
  const a = Math.abs(v);
  if (a === 0) return keepZeroSign ? v : 0;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  const step = 2 ** (Math.max(e, -6) - 3);
  const r = a / step;
  let n = Math.floor(r);
  if (r - n > 0.5 || (r - n === 0.5 && n % 2 === 1)) n += 1;
  const q = Math.min(n * step, 448);
  return v < 0 ? -q : q;
}

const clamp = (v: number, m: number): number => (v < -m ? -m : v > m ? m : v);

/** `q(clamp(x/s, ±max))·s` over [start, end). float32: a NaN element stays NaN for e2m1 too. */
function elements(x: Tensor, dst: Tensor, start: number, end: number, s: number, bits: 4 | 8, keepZeroSign: boolean): void {
  const r: Round = x.dtype === 'float32' ? Math.fround : (v) => v;
  for (let j = start; j < end; j++) {
    const v = r(x.data[j] / s);
    const q = bits === 4 ? (x.dtype === 'float32' && Number.isNaN(v) ? v : e2m1(clamp(v, 6))) : e4m3(clamp(v, 448), keepZeroSign);
    dst.data[j] = r(q * s);
  }
}

/** max |x| over the index list, NaN ignored (`a > m`) or propagated (`Math.max`). */
function amax(x: Tensor, idx: Iterable<number>, nan: boolean): number {
  let m = 0;
  for (const j of idx) m = nan ? Math.max(m, Math.abs(x.data[j])) : Math.abs(x.data[j]) > m ? Math.abs(x.data[j]) : m;
  return m;
}

function* range(a: number, b: number): Generator<number> {
  for (let j = a; j < b; j++) yield j;
}

/** Groups along the flat data; e4m3 elements keep −0 for float64 (`roundToE4M3`), fold it for float32. */
function groups(x: Tensor, size: number, scale: (m: number) => [recorded: number, effective: number], bits: 4 | 8): Out {
  const value = Tensor.zeros(x.shape, x.dtype);
  const scales = Tensor.zeros([x.size / size], x.dtype);
  for (let k = 0; k < x.size / size; k++) {
    const [recorded, s] = scale(amax(x, range(k * size, (k + 1) * size), false));
    scales.data[k] = recorded;
    elements(x, value, k * size, (k + 1) * size, s, bits, x.dtype === 'float64');
  }
  return { value, scales };
}

export function nvfp4Reference(x: Tensor, size: number, g: number): Out {
  const r: Round = x.dtype === 'float32' ? Math.fround : (v) => v;
  return groups(x, size, (m) => {
    let s = e4m3(Math.min(r(g * r(m / 6)), 448), false);
    if (s === 0) s = 0.125;
    return [s, r(s / g)];
  }, 4);
}

export function mxReference(x: Tensor, bits: 4 | 8, size: number): Out {
  return groups(x, size, (m) => {
    let e = -Infinity;
    // float32 rounds the bits: +∞ (exponent 255) stays exponent 255, i.e. e = 128
    if (m === Infinity && x.dtype === 'float32') e = 128;
    else if (m > 0) {
      e = Math.floor(Math.log2(m));
      if (2 ** e > m) e -= 1;
      else if (2 ** (e + 1) <= m) e += 1;
      if (m / 2 ** e >= 1.75) e += 1;
    }
    const biased = Math.min(255, Math.max(0, 127 + e - (bits === 4 ? 2 : 8)));
    return [biased, 2 ** (biased - 127)];
  }, bits);
}

const fp8Scale = (m: number, x: Tensor): number => {
  const s = x.dtype === 'float32' ? Math.fround(m / 448) : m / 448;
  return s === 0 ? (x.dtype === 'float32' ? 2 ** -23 : 2 ** -52) : s;
};

export function fp8GroupReference(x: Tensor, size: number): Out {
  return groups(x, size, (m) => [fp8Scale(m, x), fp8Scale(m, x)], 8);
}

export function fp8BlockReference(w: Tensor, br: number, bc: number): Out {
  const [rows, cols] = w.shape;
  const value = Tensor.zeros(w.shape, w.dtype);
  const scales = Tensor.zeros([Math.ceil(rows / br), Math.ceil(cols / bc)], w.dtype);
  for (let bi = 0; bi * br < rows; bi++) {
    for (let bj = 0; bj * bc < cols; bj++) {
      const rowsOf = range(bi * br, Math.min(rows, (bi + 1) * br));
      const idx = [...rowsOf].flatMap((i) => [...range(i * cols + bj * bc, i * cols + Math.min(cols, (bj + 1) * bc))]);
      const s = fp8Scale(amax(w, idx, false), w);
      scales.data[bi * scales.shape[1] + bj] = s;
      for (const j of idx) elements(w, value, j, j + 1, s, 8, w.dtype === 'float64');
    }
  }
  return { value, scales };
}

/** Per-row (channel/token) or whole-tensor FP8: amax with Math.max's NaN, −0 kept. */
export function fp8RowsReference(x: Tensor, rows: number): Out {
  const cols = x.size / rows;
  const value = Tensor.zeros(x.shape, x.dtype);
  const scales = Tensor.zeros([rows], x.dtype);
  for (let i = 0; i < rows; i++) {
    const s = fp8Scale(amax(x, range(i * cols, (i + 1) * cols), true), x);
    scales.data[i] = s;
    elements(x, value, i * cols, (i + 1) * cols, s, 8, true);
  }
  return { value, scales };
}

export function fp8StaticReference(x: Tensor, scale: number): Tensor {
  const value = Tensor.zeros(x.shape, x.dtype);
  elements(x, value, 0, x.size, scale, 8, true);
  return value;
}
