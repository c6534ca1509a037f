import { wasmApi, type WasmMemory } from './api.ts';
import { floatQuantKernelBytes } from './floatQuantKernel.ts';

/**
 * The WebAssembly-SIMD float fake-quantization runtime (kernels in floatQuantKernel.ts): one private memory,
 * the module compiled once on first use, single-threaded. Float32 data only. The data goes through the memory
 * in chunks small enough to stay in cache (copy in, quantize in place, copy out with typed-array `set`), so the
 * copies cost about one pass over memory. Every function returns false (outputs untouched) where the kernel
 * cannot run it (no WebAssembly SIMD, a group or block width that is not a multiple of 4 floats); the caller
 * then runs the TypeScript loop, which is the reference these kernels equal bit for bit.
 */
type GroupFn = (ptr: number, scales: number, groups: number, groupSize: number, g?: number) => void;
type AmaxFn = (ptr: number, rows: number, widthBytes: number, strideBytes: number) => number;
type RunFn = (ptr: number, rows: number, widthBytes: number, strideBytes: number, scale: number) => void;

/** The group kernels: NVFP4, MXFP4, MXFP8, FP8 groups (NaN-ignoring amax), FP8 rows (`Math.max` amax, −0 kept). */
export type GroupKernel = 'nvfp4' | 'mx4' | 'mx8' | 'fp8Group' | 'fp8Channel';

interface Runtime {
  memory: WasmMemory;
  groups: Record<GroupKernel, GroupFn>;
  /** Four groups a time (groups of a multiple of 16 floats). */
  quads: Record<Exclude<GroupKernel, 'fp8Channel'>, GroupFn>;
  amaxIgnoreNan: AmaxFn;
  e4m3Fold0: RunFn;
  e4m3Keep0: RunFn;
  range: (ptr: number, bytes: number, out: number) => void;
  f32: Float32Array;
}

const PAGE = 65536;
const MAX_PAGES = 32768;
/** Floats per chunk: source, result and scales of one chunk stay in L2 between the copies and the kernel. */
const CHUNK = 1 << 14; // a multiple of 64: every chunk of groups of 16 is whole quads
let runtime: Runtime | null | undefined;

function getRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  try {
    const wa = wasmApi;
    const bytes = floatQuantKernelBytes({ module: 'env', name: 'mem', minPages: 1, maxPages: MAX_PAGES, shared: false });
    if (!wa || !wa.validate(bytes)) return (runtime = null);
    const memory = new wa.Memory({ initial: 1, maximum: MAX_PAGES });
    const e = new wa.Instance(new wa.Module(bytes), { env: { mem: memory } }).exports;
    const groups = { nvfp4: e.nvfp4, mx4: e.mx4, mx8: e.mx8, fp8Group: e.fp8Group, fp8Channel: e.fp8Channel } as Record<GroupKernel, GroupFn>;
    const quads = { nvfp4: e.nvfp4Quad, mx4: e.mx4Quad, mx8: e.mx8Quad, fp8Group: e.fp8GroupQuad } as Runtime['quads'];
    runtime = {
      memory, groups, quads, amaxIgnoreNan: e.amaxIgnoreNan as AmaxFn, e4m3Fold0: e.e4m3Fold0 as RunFn, e4m3Keep0: e.e4m3Keep0 as RunFn,
      range: e.range as Runtime['range'],
      f32: new Float32Array(memory.buffer),
    };
  } catch {
    runtime = null;
  }
  return runtime;
}

/** True when this engine validates and runs the float fake-quantization kernels. */
export function floatQuantWasmSupported(): boolean {
  return getRuntime() !== null;
}

/** The runtime with at least `bytes` of memory, or null when it cannot run. */
function withMemory(bytes: number): Runtime | null {
  const rt = getRuntime();
  if (!rt) return null;
  const pages = Math.ceil(bytes / PAGE);
  if (pages > MAX_PAGES) return null;
  const have = rt.memory.buffer.byteLength / PAGE;
  if (pages > have) {
    rt.memory.grow(pages - have);
    rt.f32 = new Float32Array(rt.memory.buffer);
  }
  return rt;
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

/**
 * `kernel` on consecutive groups of `groupSize` floats of `src` into `dst`, one recorded scale per group into
 * `scales`; `g` is NVFP4's global scale (a float32 value).
 */
export function groupsWasm(kernel: GroupKernel, src: Float32Array, dst: Float32Array, scales: Float32Array, groupSize: number, g = 1): boolean {
  if (groupSize % 4 !== 0 || groupSize <= 0 || !Object.is(Math.fround(g), g)) return false;
  const perChunk = Math.max(1, Math.floor(CHUNK / groupSize));
  const scalesAt = align16(perChunk * groupSize * 4);
  const rt = withMemory(scalesAt + perChunk * 4);
  if (!rt) return false;
  const run = rt.groups[kernel];
  const quad = kernel === 'fp8Channel' ? null : rt.quads[kernel];
  const m = rt.f32;
  const total = src.length / groupSize;
  for (let k = 0; k < total; k += perChunk) {
    const n = Math.min(perChunk, total - k);
    const from = k * groupSize;
    const to = from + n * groupSize;
    m.set(src.subarray(from, to), 0);
    const bulk = quad !== null && groupSize % 16 === 0 ? n - (n % 4) : 0;
    if (quad !== null && bulk > 0) quad(0, scalesAt, bulk, groupSize, g);
    if (bulk < n) run(bulk * groupSize * 4, scalesAt + bulk * 4, n - bulk, groupSize, g);
    dst.set(m.subarray(0, to - from), from);
    scales.set(m.subarray(scalesAt / 4, scalesAt / 4 + n), k);
  }
  return true;
}

/**
 * FP8 block quantization of a [rows, cols] weight in `blockRows × blockCols` blocks (partial blocks at the
 * edges), scales [ceil(rows/blockRows), ceil(cols/blockCols)] row-major: per block `amax/448` (0 → 2⁻²³),
 * elements rounded with −0 folded to +0, as `fakeQuantizeFp8Block` does.
 */
export function fp8BlockWasm(src: Float32Array, dst: Float32Array, scales: Float32Array, rows: number, cols: number, blockRows: number, blockCols: number): boolean {
  if (cols % 4 !== 0 || blockCols % 4 !== 0) return false;
  const rt = withMemory(blockRows * cols * 4);
  if (!rt) return false;
  const m = rt.f32;
  const bc = Math.ceil(cols / blockCols);
  for (let bi = 0; bi * blockRows < rows; bi++) {
    const r0 = bi * blockRows;
    const r1 = Math.min(rows, r0 + blockRows);
    m.set(src.subarray(r0 * cols, r1 * cols), 0);
    for (let bj = 0; bj < bc; bj++) {
      const c0 = bj * blockCols;
      const width = (Math.min(cols, c0 + blockCols) - c0) * 4;
      let scale = Math.fround(rt.amaxIgnoreNan(c0 * 4, r1 - r0, width, cols * 4) / 448);
      if (scale === 0) scale = 2 ** -23;
      scales[bi * bc + bj] = scale;
      rt.e4m3Fold0(c0 * 4, r1 - r0, width, cols * 4, scale);
    }
    dst.set(m.subarray(0, (r1 - r0) * cols), r0 * cols);
  }
  return true;
}

/** `dst = e4m3(clamp(src/scale, ±448))·scale` with x's sign on a zero (`fakeQuantizeFp8`'s elements); `scale` float32. */
export function e4m3Wasm(src: Float32Array, dst: Float32Array, scale: number): boolean {
  if (src.length % 4 !== 0 || !Object.is(Math.fround(scale), scale)) return false;
  const rt = withMemory(CHUNK * 4);
  if (!rt) return false;
  const m = rt.f32;
  for (let from = 0; from < src.length; from += CHUNK) {
    const to = Math.min(src.length, from + CHUNK);
    m.set(src.subarray(from, to), 0);
    rt.e4m3Keep0(0, 1, (to - from) * 4, 0, scale);
    dst.set(m.subarray(0, to - from), from);
  }
  return true;
}

/**
 * The extremes of float32 data (`dataRange`: NaN ignored), or null where the kernel cannot run. A zero
 * extreme gets the sign of the first zero in the data, as the sequential loop keeps it.
 */
export function rangeWasm(src: Float32Array): { lo: number; hi: number } | null {
  const rt = withMemory(CHUNK * 4 + 16);
  if (!rt) return null;
  const m = rt.f32;
  const out = CHUNK; // float index of the two results
  m[out] = Infinity;
  m[out + 1] = -Infinity;
  const whole = src.length - (src.length % 4);
  for (let from = 0; from < whole; from += CHUNK) {
    const to = Math.min(whole, from + CHUNK);
    m.set(src.subarray(from, to), 0);
    rt.range(0, (to - from) * 4, out * 4);
  }
  let lo = m[out];
  let hi = m[out + 1];
  for (let j = whole; j < src.length; j++) {
    const x = src[j];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (lo === 0 || hi === 0) {
    const zero = src[src.findIndex((x) => x === 0)];
    if (lo === 0) lo = zero;
    if (hi === 0) hi = zero;
  }
  return { lo, hi };
}
