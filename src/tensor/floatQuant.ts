import { chooseBackend, type BackendSetting } from './backend.ts';
import { dataRange as dataRangeTs, fakeQuantizeNvfp4 as nvfp4, nvfp4GlobalScale } from './kernels/fp4.ts';
import { fakeQuantizeFp8 as fp8, fakeQuantizeFp8Static as fp8Static, type FastFp8 } from './kernels/fp8.ts';
import { fakeQuantizeFp8Block as fp8Block, fakeQuantizeFp8Group as fp8Group } from './kernels/fp8Block.ts';
import { fakeQuantizeMx as mx, type MxElementBits } from './kernels/mx.ts';
import type { Tensor } from './tensor.ts';
import { absMaxWasm, e4m3Wasm, fp8BlockWasm, groupsWasm, rangeWasm } from './wasm/floatQuant.ts';

/**
 * The float formats' fake quantization (NVFP4, MXFP4/MXFP8, FP8 per tensor/channel/token/group/block/static),
 * dispatched per call (`chooseBackend('floatQuant', …)`): float32 data on the WebAssembly-SIMD kernels
 * (wasm/floatQuant.ts) where the engine has them, otherwise, and for float64 data, the TypeScript loops in
 * kernels/, which are the reference the wasm kernels equal bit for bit. Re-exported by ops.ts.
 */
type FloatQuantResult = { value: Tensor; scales: Tensor };
/** ops.ts's BackendOption: a per-call override of `LLMC_SIM_BACKEND`. */
type BackendOption = { backend?: BackendSetting };

const onWasm = (x: Tensor, options: BackendOption): boolean =>
  x.dtype === 'float32' && chooseBackend('floatQuant', x.dtype, x.size, options.backend) === 'wasm';

const FP8_WASM: FastFp8 = {
  rows: (src, dst, scales, cols) => groupsWasm('fp8Channel', src, dst, scales, cols),
  all: (src, dst, scale) => e4m3Wasm(src, dst, scale),
  absMax: (src) => absMaxWasm(src),
};

/** kernels/fp4.ts `fakeQuantizeNvfp4`, on the backend of the call. */
export function fakeQuantizeNvfp4(
  x: Tensor, groupSize: number, globalScale?: number, options: BackendOption = {},
): FloatQuantResult & { globalScale: number } {
  const wasm = onWasm(x, options);
  let g = globalScale;
  if (g === undefined) {
    const { lo, hi } = dataRange(x.data, options);
    g = nvfp4GlobalScale(lo, hi, x.dtype);
  }
  return nvfp4(x, groupSize, g, wasm ? (s, d, sc, gs, gl) => groupsWasm('nvfp4', s, d, sc, gs, gl) : undefined);
}

/** kernels/fp4.ts `dataRange` (the global scale's observation), on the backend of the call. */
export function dataRange(data: ArrayLike<number>, options: BackendOption = {}): { lo: number; hi: number } {
  if (data instanceof Float32Array && chooseBackend('floatQuant', 'float32', data.length, options.backend) === 'wasm') {
    const r = rangeWasm(data);
    if (r) return r;
  }
  return dataRangeTs(data);
}

/** kernels/mx.ts `fakeQuantizeMx`, on the backend of the call. */
export function fakeQuantizeMx(x: Tensor, bits: MxElementBits, groupSize = 32, options: BackendOption = {}): FloatQuantResult {
  return mx(x, bits, groupSize, onWasm(x, options) ? (s, d, sc, gs) => groupsWasm(bits === 4 ? 'mx4' : 'mx8', s, d, sc, gs) : undefined);
}

/** kernels/fp8Block.ts `fakeQuantizeFp8Group`, on the backend of the call. */
export function fakeQuantizeFp8Group(x: Tensor, groupSize: number, options: BackendOption = {}): FloatQuantResult {
  return fp8Group(x, groupSize, onWasm(x, options) ? (s, d, sc, gs) => groupsWasm('fp8Group', s, d, sc, gs) : undefined);
}

/** kernels/fp8Block.ts `fakeQuantizeFp8Block`, on the backend of the call. */
export function fakeQuantizeFp8Block(w: Tensor, blockRows: number, blockCols: number, options: BackendOption = {}): FloatQuantResult {
  return fp8Block(w, blockRows, blockCols, onWasm(w, options) ? fp8BlockWasm : undefined);
}

/** kernels/fp8.ts `fakeQuantizeFp8`, on the backend of the call. */
export function fakeQuantizeFp8(x: Tensor, strategy: 'tensor' | 'channel' | 'token', options: BackendOption = {}): FloatQuantResult {
  return fp8(x, strategy, onWasm(x, options) ? FP8_WASM : undefined);
}

/** kernels/fp8.ts `fakeQuantizeFp8Static`, on the backend of the call. */
export function fakeQuantizeFp8Static(x: Tensor, scale: number, options: BackendOption = {}): Tensor {
  return fp8Static(x, scale, onWasm(x, options) ? FP8_WASM : undefined);
}
