import { createRequire } from 'node:module';
import { ValueError, specError } from '../core/errors.ts';
import { loadGpuJs, type GpuJsMode } from './gpu/loader.ts';
import { floatQuantWasmSupported } from './wasm/floatQuant.ts';
import { linearWasmSupported } from './wasm/linear.ts';
import { wasmSimdSupported } from './wasm/runtime.ts';

/**
 * The one backend choice every tensor kernel a modifier (or the forward pass) runs goes through: the ops in
 * ops.ts and `linear` ask `chooseBackend` per call, with the call's dtype and size. docs/backends.md is the
 * user-facing version of this comment.
 *
 * Implementations: plain typed-array TS (every kernel, the reference), WebAssembly SIMD (the FWHT, float32;
 * Linear, float32 and float64, bit-identical to TS; floatQuant, float32, bit-identical to TS), gpu.js (FWHT,
 * matmul, row transforms, fake quant, norm fusion, centring; float32 arithmetic only).
 *
 * `auto` (the default): Linear → wasm from LINEAR_WASM_MIN_MACS multiply-adds; FWHT and the float formats'
 * fake quantization (floatQuant: NVFP4, MX, FP8) → wasm on float32 data;
 * every other kernel → gpu.js on float32 data from GPU_MIN_ELEMENTS values where gpu.js has a real WebGL
 * context (headless-gl, scripts/headless-gl.sh), else TS. On Node without `gl` that is: wasm for Linear and
 * the float32 FWHT, TS for the rest, and nothing ever goes through gpu.js.
 *
 * `LLMC_SIM_BACKEND=ts|wasm|gpujs|auto` forces one backend for every kernel that has it; a kernel without
 * it runs its `auto` choice. A forced backend that would change the arithmetic (gpu.js or the wasm FWHT on
 * float64 data: both compute in float32) or that this engine lacks is not used: the kernel runs its `auto`
 * choice, which is always exact for float64, and a one-time warning names the kernel and why. Forced gpujs
 * without WebGL runs gpu.js's own fallback (its WebAssembly or CPU mode), slowly: useful to test the gpu.js
 * kernels, not to run faster. `LLMC_SIM_GPUJS_MODE=gpu|webasm|cpu` picks gpu.js's mode (default 'gpu').
 */
export type BackendName = 'ts' | 'wasm' | 'gpujs';
export type BackendSetting = BackendName | 'auto';
export type KernelName = 'fwht' | 'matmul' | 'rowTransform' | 'fakeQuant' | 'fuseNorm' | 'centerRows' | 'linear' | 'floatQuant';
type DType = 'float32' | 'float64';

export const BACKEND_SETTINGS: readonly BackendSetting[] = ['ts', 'wasm', 'gpujs', 'auto'];

/** Implementations per kernel, and the dtypes each computes exactly (ts: both, always). */
export const IMPLEMENTATIONS: Readonly<Record<KernelName, Partial<Record<BackendName, readonly DType[]>>>> = {
  fwht: { ts: ['float32', 'float64'], wasm: ['float32'], gpujs: ['float32'] },
  linear: { ts: ['float32', 'float64'], wasm: ['float32', 'float64'] },
  matmul: { ts: ['float32', 'float64'], gpujs: ['float32'] },
  rowTransform: { ts: ['float32', 'float64'], gpujs: ['float32'] },
  fakeQuant: { ts: ['float32', 'float64'], gpujs: ['float32'] },
  fuseNorm: { ts: ['float32', 'float64'], gpujs: ['float32'] },
  centerRows: { ts: ['float32', 'float64'], gpujs: ['float32'] },
  floatQuant: { ts: ['float32', 'float64'], wasm: ['float32'] },
};

/**
 * Below this many multiply-adds (T·n·d) a Linear stays on TS: there the wasm call and its copies cost more
 * than the multiply-adds themselves (measured 1×16×16 and 1×32×32 when the kernel was added).
 */
export const LINEAR_WASM_MIN_MACS = 1024;

/** `auto` sends nothing smaller to gpu.js: kernel launch and host↔GPU copies would dominate. */
export const GPU_MIN_ELEMENTS = 1 << 20;

/** `LLMC_SIM_BACKEND` holds none of the valid settings. */
export class BackendSettingError extends specError(
  ValueError,
  null,
  (value: string) => `LLMC_SIM_BACKEND must be one of ${BACKEND_SETTINGS.join(', ')}; got '${value}'`,
  'value',
) {}

let parsedFrom: string | undefined;
let parsed: BackendSetting = 'auto';

/** The validated `LLMC_SIM_BACKEND` ('auto' when unset or empty). */
export function backendSetting(): BackendSetting {
  const v = process.env.LLMC_SIM_BACKEND ?? '';
  if (v === parsedFrom) return parsed;
  if (v !== '' && !(BACKEND_SETTINGS as readonly string[]).includes(v)) throw new BackendSettingError(v);
  parsedFrom = v;
  parsed = v === '' ? 'auto' : (v as BackendSetting);
  return parsed;
}

let webgl: boolean | undefined;

/** headless-gl: optional, not a dependency (scripts/headless-gl.sh builds it on demand into .cache/). */
const HEADLESS_GL = 'gl';

/** Renderers that are WebGL without a GPU (Mesa's llvmpipe/softpipe, SwiftShader): slower than TS here. */
const SOFTWARE_RENDERER = /llvmpipe|softpipe|swiftshader|software/i;

/**
 * Whether gpu.js can reach a real GPU through WebGL here: `gl` (headless-gl) loadable, gpu.js agreeing, and
 * the context's renderer not a software rasteriser. Checked once per process.
 */
function webglReachable(): boolean {
  if (webgl !== undefined) return webgl;
  try {
    const require = createRequire(import.meta.url);
    webgl = false;
    if (loadGpuJs()?.GPU.isHeadlessGLSupported !== true) return webgl;
    const createGl = require(HEADLESS_GL) as (w: number, h: number) => GlContext | null;
    const gl = createGl(1, 1);
    if (!gl) return webgl;
    const info = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    (gl.getExtension('STACKGL_destroy_context') as { destroy(): void } | null)?.destroy();
    webgl = !SOFTWARE_RENDERER.test(renderer);
  } catch {
    webgl = false;
  }
  return webgl;
}

/** The few members of a headless-gl context read above. */
interface GlContext {
  readonly RENDERER: number;
  getParameter(name: number): unknown;
  getExtension(name: string): unknown;
}

function reachable(backend: BackendName, kernel: KernelName): boolean {
  if (backend === 'ts') return true;
  if (backend === 'gpujs') return loadGpuJs() !== null;
  if (kernel === 'floatQuant') return floatQuantWasmSupported();
  return kernel === 'linear' ? linearWasmSupported() : wasmSimdSupported();
}

/** What `auto` runs: see the module comment. Never a backend that is inexact for `dtype`. */
function autoChoice(kernel: KernelName, dtype: DType, elements: number): BackendName {
  if (kernel === 'linear') return elements >= LINEAR_WASM_MIN_MACS && linearWasmSupported() ? 'wasm' : 'ts';
  if (dtype === 'float64') return 'ts';
  if (kernel === 'floatQuant') return floatQuantWasmSupported() ? 'wasm' : 'ts';
  if (kernel === 'fwht') return wasmSimdSupported() ? 'wasm' : 'ts';
  return elements >= GPU_MIN_ELEMENTS && webglReachable() ? 'gpujs' : 'ts';
}

const warned = new Set<string>();
const warnings: string[] = [];

function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  warnings.push(message);
  process.emitWarning(message, { code: 'LLMC_SIM_BACKEND' });
}

/**
 * The backend kernel `kernel` runs on for data of `dtype` and `elements` values (multiply-adds for
 * Linear): `requested` (an explicit option) first, else `LLMC_SIM_BACKEND`; see the module comment.
 */
export function chooseBackend(kernel: KernelName, dtype: DType, elements: number, requested?: BackendSetting): BackendName {
  const want = requested ?? backendSetting();
  if (want === 'auto') return autoChoice(kernel, dtype, elements);
  const exact = IMPLEMENTATIONS[kernel][want];
  if (exact === undefined) return autoChoice(kernel, dtype, elements); // no such implementation: documented
  if (!exact.includes(dtype)) {
    const fallback = autoChoice(kernel, dtype, elements);
    warnOnce(
      `${kernel}:${want}:${dtype}`,
      `${kernel} on ${dtype} data runs on ${fallback}, not the requested ${want}: ${want}'s ${kernel} computes in float32 and would round a ${dtype} result`,
    );
    return fallback;
  }
  if (!reachable(want, kernel)) {
    const fallback = autoChoice(kernel, dtype, elements);
    warnOnce(`${kernel}:${want}:unreachable`, `${kernel} runs on ${fallback}, not the requested ${want}: ${want} is not available in this process`);
    return fallback;
  }
  return want;
}

/** The warnings `chooseBackend` has issued in this process, in order (each once). */
export function backendWarnings(): readonly string[] {
  return warnings;
}

/** gpu.js mode for the gpujs backend. */
export function gpuJsMode(): GpuJsMode {
  const v = process.env.LLMC_SIM_GPUJS_MODE;
  return v === 'webasm' || v === 'cpu' ? v : 'gpu';
}

/** Test support: pretend gpu.js can (or cannot) reach WebGL (undefined: detect again). @internal */
export function __unsafeSetWebglReachable(value: boolean | undefined): void {
  webgl = value;
}
