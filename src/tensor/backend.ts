import type { GpuJsMode } from './gpu/loader.ts';
import { wasmSimdSupported } from './wasm/runtime.ts';

/**
 * Backend selection per kernel. Three implementations exist: plain typed-array TS (every kernel, the
 * reference), WebAssembly SIMD (the FWHT), gpu.js (matmul, row transform, FWHT stages, fake quant, fusion,
 * centring) in the mode it can reach ('gpu' via headless-gl when available; here, without `gl`, gpu.js's own
 * pick is its WebAssembly backend, and 'cpu' always works).
 *
 * Static choice (documented, from `npx tsx bench/tensor.ts` on the 2-core dev machine, no headless-gl):
 * - `fwht` → wasm when SIMD validates (≈ 4× a copy for 4096×4096 vs ≈ 40× for TS), else ts;
 * - everything else → ts: gpu.js's webasm/cpu modes were slower than the TS loops for every other kernel at
 *   model sizes (kernel compile on first call, float32 round trips), and TS keeps float64 exact.
 * float64 tensors always use ts unless an override asks otherwise (gpu.js and the wasm kernel are float32).
 *
 * Override with env `LLMC_SIM_BACKEND=gpujs|ts|wasm` (a kernel without that implementation uses ts), and the
 * gpu.js mode with `LLMC_SIM_GPUJS_MODE=gpu|webasm|cpu` (default 'gpu').
 */
export type BackendName = 'ts' | 'wasm' | 'gpujs';
export type KernelName = 'fwht' | 'matmul' | 'rowTransform' | 'fakeQuant' | 'fuseNorm' | 'centerRows';

/** Implementations available per kernel, in no particular order. */
export const IMPLEMENTATIONS: Readonly<Record<KernelName, readonly BackendName[]>> = {
  fwht: ['ts', 'wasm', 'gpujs'],
  matmul: ['ts', 'gpujs'],
  rowTransform: ['ts', 'gpujs'],
  fakeQuant: ['ts', 'gpujs'],
  fuseNorm: ['ts', 'gpujs'],
  centerRows: ['ts', 'gpujs'],
};

/** The env override, validated; undefined when unset. */
export function backendOverride(): BackendName | undefined {
  const v = process.env.LLMC_SIM_BACKEND;
  if (v === undefined || v === '') return undefined;
  if (v !== 'gpujs' && v !== 'ts' && v !== 'wasm') {
    throw new RangeError(`LLMC_SIM_BACKEND must be one of gpujs, ts, wasm; got '${v}'`);
  }
  return v;
}

/**
 * The backend `kernel` uses: `requested` (an explicit argument) first, then the env override, then the
 * static choice above. Falls back to ts when the chosen one is not implemented for the kernel or not reachable.
 */
export function backendFor(kernel: KernelName, dtype: 'float32' | 'float64' = 'float32', requested?: BackendName): BackendName {
  const want = requested ?? backendOverride();
  if (want !== undefined) {
    if (!IMPLEMENTATIONS[kernel].includes(want)) return 'ts';
    if (want === 'wasm' && !wasmSimdSupported()) return 'ts';
    return want;
  }
  if (dtype === 'float64') return 'ts';
  if (kernel === 'fwht' && wasmSimdSupported()) return 'wasm';
  return 'ts';
}

/** gpu.js mode for the gpujs backend. */
export function gpuJsMode(): GpuJsMode {
  const v = process.env.LLMC_SIM_GPUJS_MODE;
  return v === 'webasm' || v === 'cpu' ? v : 'gpu';
}
