/**
 * src/tensor public surface: the Tensor type, seeded RNG, Hadamard constructions, random matrices, the
 * plain-TS kernels (references) and the backend-dispatching ops (the path every modifier's transform takes). gpu.js is loaded lazily by the gpujs
 * backend only; importing this barrel does not load it.
 */
export { Tensor, type DType } from './tensor.ts';
export { Rng } from './rng.ts';
export * from './hadamard/index.ts';
export { randomUniformMatrix } from './random/randomMatrix.ts';
export { randomOrthogonal } from './random/randomOrthogonal.ts';
export { matmul } from './kernels/matmul.ts';
export { transformRows, transformColumns } from './kernels/rowTransform.ts';
export { fwhtRowsTs } from './kernels/fwht.ts';
export { fuseNormIntoLinear } from './kernels/fuseNorm.ts';
export { centerRows } from './kernels/centerRows.ts';
export { fakeQuantize, roundHalfEven } from './kernels/fakeQuant.ts';
export {
  fwhtRows,
  hadamardRows,
  hadamardColumns,
  transpose,
  matmulOp,
  transformRowsOp,
  transformColumnsOp,
  fakeQuantizeOp,
  fuseNormOp,
  centerRowsOp,
  linear,
} from './ops.ts';
export { type BackendName } from './backend.ts';
export { wasmSimdSupported } from './wasm/runtime.ts';
export { reachableGpuJsModes } from './gpu/loader.ts';
