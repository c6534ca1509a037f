import { createRequire } from 'node:module';
import { loadGpuJs, type GpuJsMode } from './gpu/loader.ts';
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
 * At run time, where gpu.js can reach a WebGL context (headless-gl installed and a display, see
 * scripts/headless-gl.sh), the static choice is only a first guess: `dispatch` times it against gpu.js on
 * the first large float32 call of each kernel and keeps the faster (see `dispatch`). The FWHT is exempt:
 * its wasm kernel runs at ~3× a plain copy of the data, which no path with a host↔GPU transfer can beat.
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

/** Inputs smaller than this never trigger a timing comparison (kernel compile time would dominate). */
export const CALIBRATION_MIN_ELEMENTS = 1 << 20;

const calibrated = new Map<KernelName, BackendName>();
let webgl: boolean | undefined;

/** Whether gpu.js can reach a WebGL context here: `gl` resolvable (not loaded) and gpu.js agreeing. */
export function webglReachable(): boolean {
  if (webgl !== undefined) return webgl;
  try {
    createRequire(import.meta.url).resolve('gl');
    webgl = loadGpuJs()?.GPU.isHeadlessGLSupported === true;
  } catch {
    webgl = false;
  }
  return webgl;
}

/** The backend each kernel settled on by timing, for benchmarks and diagnostics. */
export function calibratedBackends(): ReadonlyMap<KernelName, BackendName> {
  return calibrated;
}

/**
 * Runs a (non in-place) kernel with the backend chosen for it.
 *
 * 1. An explicit `requested` backend, the env override, or float64 data: `backendFor` decides.
 * 2. A kernel already calibrated: its winner.
 * 3. A large float32 input where gpu.js reaches WebGL: run the static choice and gpu.js (twice, so its
 *    kernel compile is not counted) on this very input, keep the faster for the rest of the process,
 *    and return the faster's result.
 * 4. Otherwise the static choice.
 */
export function dispatch<T>(kernel: KernelName, dtype: 'float32' | 'float64', requested: BackendName | undefined, elements: number, run: (backend: BackendName) => T): T {
  if (requested !== undefined || backendOverride() !== undefined || dtype === 'float64') return run(backendFor(kernel, dtype, requested));
  const settled = calibrated.get(kernel);
  if (settled) return run(settled);
  const guess = backendFor(kernel, dtype);
  if (kernel === 'fwht' || !IMPLEMENTATIONS[kernel].includes('gpujs') || elements < CALIBRATION_MIN_ELEMENTS || !webglReachable()) return run(guess);
  const t0 = performance.now();
  const mine = run(guess);
  const t1 = performance.now();
  run('gpujs');
  const t2 = performance.now();
  const theirs = run('gpujs');
  const t3 = performance.now();
  const winner = t3 - t2 < t1 - t0 ? 'gpujs' : guess;
  calibrated.set(kernel, winner);
  return winner === 'gpujs' ? theirs : mine;
}

/** Test support: pretend gpu.js can (or cannot) reach WebGL, and forget calibrations. @internal */
export function __unsafeSetWebglReachable(value: boolean | undefined): void {
  webgl = value;
  calibrated.clear();
}
