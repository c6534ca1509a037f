/**
 * src/tensor public surface: the Tensor type, seeded RNG, Hadamard constructions, random matrices, the
 * plain-TS kernels (references) and the backend-dispatching ops (the path every modifier's transform takes). gpu.js is loaded lazily by the gpujs
 * backend only; importing this barrel does not load it.
 */
export { Tensor, type DType, type TensorData } from './tensor.ts';
export { Rng } from './rng.ts';
export * from './hadamard/index.ts';
export { randomUniformMatrix } from './random/randomMatrix.ts';
export { randomOrthogonal } from './random/randomOrthogonal.ts';
export { matmul, matmulInto, type MatmulOptions } from './kernels/matmul.ts';
export { linearRows, linearRows64 } from './kernels/linear.ts';
export { transformRows, transformColumns } from './kernels/rowTransform.ts';
export { fwhtRowsTs } from './kernels/fwht.ts';
export { fuseNormIntoLinear } from './kernels/fuseNorm.ts';
export { centerRows } from './kernels/centerRows.ts';
export {
  fakeQuantize,
  roundHalfEven,
  type FakeQuantOptions,
  type FakeQuantResult,
  type QuantStrategy,
} from './kernels/fakeQuant.ts';
export {
  fwhtRows,
  fwhtRowsInPlace,
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
  linearInto,
  type FwhtOptions,
  type HadamardApplyOptions,
  type BackendOption,
} from './ops.ts';
export {
  chooseBackend,
  backendSetting,
  backendWarnings,
  BackendSettingError,
  BACKEND_SETTINGS,
  IMPLEMENTATIONS,
  type BackendName,
  type BackendSetting,
  type KernelName,
} from './backend.ts';
export { wasmSimdSupported, fwhtWasm } from './wasm/runtime.ts';
export { reachableGpuJsModes, type GpuJsMode } from './gpu/loader.ts';
