import { wasmApi } from './api.ts';
import { floatQuantKernelBytes } from './floatQuantKernel.ts';
import { awaitWorker, ensureWorkers, workerSource, type WorkerPool } from './workerPool.ts';

/**
 * The WebAssembly-SIMD float fake-quantization runtime (kernels in floatQuantKernel.ts): one shared memory,
 * the module compiled once on first use; the group kernels (NVFP4, MX, FP8 group/row) run on a pool of worker
 * threads (created on first use, unref'd), the rest on the calling thread. Float32 data only. The data goes through the memory
 * in chunks small enough to stay in cache (copy in, quantize in place, copy out with typed-array `set`), so the
 * copies cost about one pass over memory. Every function returns false (outputs untouched) where the kernel
 * cannot run it (no WebAssembly SIMD, a group or block width that is not a multiple of 4 floats); the caller
 * then runs the TypeScript loop, which is the reference these kernels equal bit for bit.
 */
type GroupFn = (ptr: number, scales: number, groups: number, groupSize: number, g?: number) => void;
type RunFn = (ptr: number, rows: number, widthBytes: number, strideBytes: number, scale: number) => void;

/** The group kernels: NVFP4, MXFP4, MXFP8, FP8 groups (NaN-ignoring amax), FP8 rows (`Math.max` amax, −0 kept). */
export type GroupKernel = 'nvfp4' | 'mx4' | 'mx8' | 'fp8Group' | 'fp8Channel';
/** Kernel ids in the workers' control slots. */
const POOL_KERNELS: readonly (GroupKernel | 'fp8Blocks' | 'e4m3')[] = ['nvfp4', 'mx4', 'mx8', 'fp8Group', 'fp8Channel', 'fp8Blocks', 'e4m3'];

interface Runtime extends WorkerPool {
  exports: Record<string, unknown>;
  e4m3Keep0: RunFn;
  range: (ptr: number, bytes: number, out: number) => void;
  absMax: Runtime['range'];
  f32: Float32Array;
}

const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB of address space reserved (shared memories need a maximum)
/**
 * Floats per chunk (the calling thread's or a worker's): large, since each chunk costs a round of copies and
 * calls and, on the pool, a hand-off (a notify and a wait), which cost more than the cache misses of chunks
 * past L2 (the bench, `npm run bench -- --only fp4`, measured the sizes). Tests pass smaller ones.
 */
const CHUNK = 1 << 18;
/** Jobs queued per worker: the calling thread copies the next chunk in while the worker quantizes the last. */
const DEPTH = 2;
/**
 * Memory layout: control slots (SLOT int32 per worker: 0 seq, 1 done, 8 ready; from 16 one job per parity of
 * its sequence number, JOB int32 each: 0 kernel, 1 ptr, 2 scales, 3 groups (rows for blocks), 4 groupSize
 * (cols for blocks), 5 g as f32 bits, 6 block cols), then DEPTH regions per worker (a chunk and its scales);
 * the single-threaded functions use the memory from DATA on.
 */
const CONTROL_BYTES = 4096;
const SLOT = 32;
const JOB = 8;
const DATA = CONTROL_BYTES;
let runtime: Runtime | null | undefined;

function getRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  try {
    const wa = wasmApi;
    const shared = typeof SharedArrayBuffer !== 'undefined';
    const bytes = floatQuantKernelBytes({ module: 'env', name: 'mem', minPages: 1, maxPages: MAX_PAGES, shared });
    if (!wa || !wa.validate(bytes)) return (runtime = null);
    const memory = new wa.Memory({ initial: 1, maximum: MAX_PAGES, shared });
    const module = new wa.Module(bytes);
    const e = new wa.Instance(module, { env: { mem: memory } }).exports;
    runtime = {
      memory, module, exports: e,
      e4m3Keep0: e.e4m3Keep0 as RunFn, range: e.range as Runtime['range'], absMax: e.absMax as Runtime['absMax'],
      f32: new Float32Array(memory.buffer),
      workers: [], poolBroken: !shared,
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
  if (pages > have) rt.memory.grow(pages - have);
  if (rt.f32.buffer.byteLength !== rt.memory.buffer.byteLength) rt.f32 = new Float32Array(rt.memory.buffer);
  return rt;
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

/**
 * `n` groups at `ptr` (scales at `scales`): the four-group kernel on whole quads when groups are a multiple
 * of 16 floats, the one-group kernel on the rest. The workers run the same lines (WORKER_SOURCE).
 */
function runGroups(e: Record<string, unknown>, kernel: GroupKernel, ptr: number, scales: number, n: number, groupSize: number, g: number): void {
  const bulk = kernel !== 'fp8Channel' && groupSize % 16 === 0 ? n - (n % 4) : 0;
  if (bulk > 0) (e[`${kernel}Quad`] as GroupFn)(ptr, scales, bulk, groupSize, g);
  if (bulk < n) (e[kernel] as GroupFn)(ptr + bulk * groupSize * 4, scales + bulk * 4, n - bulk, groupSize, g);
}

const WORKER_SOURCE = workerSource(CONTROL_BYTES / 4, SLOT, 8, `const kernels = ${JSON.stringify(POOL_KERNELS)};`, `
  const d = base + 16 + (seq & 1) * ${JOB};
  const kernel = kernels[ctl[d]], ptr = ctl[d + 1], scales = ctl[d + 2], n = ctl[d + 3], gs = ctl[d + 4], g = f32[d + 5];
  const bulk = kernel !== 'fp8Channel' && gs % 16 === 0 ? n - (n % 4) : 0;
  if (kernel === 'fp8Blocks') e.fp8Blocks(ptr, scales, n, gs, ctl[d + 6]);
  else if (kernel === 'e4m3') e.e4m3Keep0(ptr, 1, n * 4, 0, g);
  else {
    if (bulk > 0) e[kernel + 'Quad'](ptr, scales, bulk, gs, g);
    if (bulk < n) e[kernel](ptr + bulk * gs * 4, scales + bulk * 4, n - bulk, gs, g);
  }`);

/** Worker threads for the group kernels (the machine's 2 cores); 1 = the calling thread only. */
const THREADS = 2;

/**
 * `kernel` on consecutive groups of `groupSize` floats of `src` into `dst` (which may be `src`: each chunk is
 * read before it is written), one recorded scale per group into `scales`; `g` is NVFP4's global scale (a
 * float32 value). With `threads` > 1 and more than one chunk (of about `chunk` floats, whole groups), the
 * chunks go round-robin to a pool of worker threads on the shared memory while the calling thread copies the
 * next chunk in and the finished ones out, so copies overlap the kernels; the calling thread waits
 * (Atomics.wait) and the API stays synchronous.
 */
export function groupsWasm(
  kernel: GroupKernel, src: Float32Array, dst: Float32Array, scales: Float32Array, groupSize: number, g = 1, threads = THREADS, chunk = CHUNK,
): boolean {
  if (groupSize % 4 !== 0 || groupSize <= 0 || !Object.is(Math.fround(g), g)) return false;
  const total = src.length / groupSize;
  const perChunk = Math.max(1, Math.floor(chunk / groupSize));
  const pool = threads > 1 && total > perChunk;
  const chunkBytes = align16(perChunk * groupSize * 4);
  const regionBytes = chunkBytes + align16(perChunk * 4);
  const rt = withMemory(DATA + regionBytes * (pool ? threads * DEPTH : 1));
  if (!rt) return false;
  if (pool && ensureWorkers(rt, threads, WORKER_SOURCE, SLOT, 8)) {
    const jobs = function* (): Generator<PoolJob> {
      for (let k = 0; k < total; k += perChunk) {
        const n = Math.min(perChunk, total - k);
        yield { from: k * groupSize, to: (k + n) * groupSize, scaleAt: k, scaleCount: n, n, size: groupSize, g, blockCols: 0 };
      }
    };
    poolRun(rt, kernel, jobs(), src, dst, scales, threads, chunkBytes, regionBytes);
    return true;
  }
  const m = rt.f32;
  for (let k = 0; k < total; k += perChunk) {
    const n = Math.min(perChunk, total - k);
    const from = k * groupSize;
    const to = from + n * groupSize;
    m.set(src.subarray(from, to), DATA / 4);
    runGroups(rt.exports, kernel, DATA, DATA + chunkBytes, n, groupSize, g);
    dst.set(m.subarray(DATA / 4, DATA / 4 + to - from), from);
    scales.set(m.subarray((DATA + chunkBytes) / 4, (DATA + chunkBytes) / 4 + n), k);
  }
  return true;
}

/** One chunk for a worker: src floats [from, to) → the same range of dst; `scaleCount` scales from `scaleAt`. */
interface PoolJob {
  from: number;
  to: number;
  scaleAt: number;
  scaleCount: number;
  /** Control-slot arguments: groups (rows), groupSize (cols), g, block cols. */
  n: number;
  size: number;
  g: number;
  blockCols: number;
}

/**
 * The jobs round-robin over `threads` workers, DEPTH regions each (`regionBytes`: the chunk, its scales at
 * `chunkBytes`), so that each worker has its next job queued while it runs one: the calling thread copies a
 * job in and hands it over; before reusing a region it waits for that region's job and copies it out.
 */
function poolRun(
  rt: Runtime, kernel: (typeof POOL_KERNELS)[number], jobs: Iterable<PoolJob>, src: Float32Array, dst: Float32Array, scales: Float32Array,
  threads: number, chunkBytes: number, regionBytes: number,
): void {
  const ctl = new Int32Array(rt.memory.buffer as SharedArrayBuffer, 0, CONTROL_BYTES / 4);
  const cf = new Float32Array(rt.memory.buffer, 0, CONTROL_BYTES / 4);
  const m = rt.f32;
  const pending: ({ seq: number; job: PoolJob } | null)[] = Array(threads * DEPTH).fill(null);
  const finish = (r: number): void => {
    const p = pending[r];
    if (!p) return;
    awaitWorker(rt, ctl, Math.floor(r / DEPTH) * SLOT + 1, p.seq, 'fake-quantization');
    const at = (DATA + r * regionBytes) / 4;
    dst.set(m.subarray(at, at + p.job.to - p.job.from), p.job.from);
    scales.set(m.subarray(at + chunkBytes / 4, at + chunkBytes / 4 + p.job.scaleCount), p.job.scaleAt);
    pending[r] = null;
  };
  let c = 0;
  for (const job of jobs) {
    const w = c % threads;
    const r = w * DEPTH + (Math.floor(c / threads) % DEPTH);
    c++;
    finish(r); // also frees the job slot: its previous user was this worker's job DEPTH before
    const at = DATA + r * regionBytes;
    m.set(src.subarray(job.from, job.to), at / 4);
    const b = w * SLOT;
    const seq = (Atomics.load(ctl, b) + 1) | 0;
    const d = b + 16 + (seq & 1) * JOB;
    ctl[d] = POOL_KERNELS.indexOf(kernel);
    ctl[d + 1] = at;
    ctl[d + 2] = at + chunkBytes;
    ctl[d + 3] = job.n;
    ctl[d + 4] = job.size;
    cf[d + 5] = job.g;
    ctl[d + 6] = job.blockCols;
    Atomics.store(ctl, b, seq);
    Atomics.notify(ctl, b);
    pending[r] = { seq, job };
  }
  for (let r = 0; r < threads * DEPTH; r++) finish(r);
}

/**
 * FP8 block quantization of a [rows, cols] weight in `blockRows × blockCols` blocks (partial blocks at the
 * edges), scales [ceil(rows/blockRows), ceil(cols/blockCols)] row-major: per block `amax/448` (0 → 2⁻²³),
 * elements rounded with −0 folded to +0, as `fakeQuantizeFp8Block` does.
 */
export function fp8BlockWasm(
  src: Float32Array, dst: Float32Array, scales: Float32Array, rows: number, cols: number, blockRows: number, blockCols: number, threads = THREADS,
): boolean {
  if (cols % 4 !== 0 || blockCols % 4 !== 0) return false;
  const bc = Math.ceil(cols / blockCols);
  const chunkBytes = align16(blockRows * cols * 4);
  const regionBytes = chunkBytes + align16(bc * 4);
  const pool = threads > 1 && rows > blockRows;
  const rt = withMemory(DATA + regionBytes * (pool ? threads * DEPTH : 1));
  if (!rt) return false;
  const jobs = function* (): Generator<PoolJob> {
    for (let bi = 0; bi * blockRows < rows; bi++) {
      const r0 = bi * blockRows;
      const r1 = Math.min(rows, r0 + blockRows);
      yield { from: r0 * cols, to: r1 * cols, scaleAt: bi * bc, scaleCount: bc, n: r1 - r0, size: cols, g: 1, blockCols };
    }
  };
  if (pool && ensureWorkers(rt, threads, WORKER_SOURCE, SLOT, 8)) {
    poolRun(rt, 'fp8Blocks', jobs(), src, dst, scales, threads, chunkBytes, regionBytes);
    return true;
  }
  const m = rt.f32;
  const blocks = rt.exports.fp8Blocks as (ptr: number, scales: number, rows: number, cols: number, blockCols: number) => void;
  for (const job of jobs()) {
    m.set(src.subarray(job.from, job.to), DATA / 4);
    blocks(DATA, DATA + chunkBytes, job.n, cols, blockCols);
    dst.set(m.subarray(DATA / 4, DATA / 4 + job.to - job.from), job.from);
    scales.set(m.subarray((DATA + chunkBytes) / 4, (DATA + chunkBytes) / 4 + bc), job.scaleAt);
  }
  return true;
}

/**
 * `dst = e4m3(clamp(src/scale, ±448))·scale` with x's sign on a zero (`fakeQuantizeFp8`'s elements), `dst`
 * may be `src`; `scale` float32, `chunk` a multiple of 4. More than one chunk and `threads` > 1: on the pool.
 */
export function e4m3Wasm(src: Float32Array, dst: Float32Array, scale: number, threads = THREADS, chunk = CHUNK): boolean {
  if (src.length % 4 !== 0 || chunk % 4 !== 0 || chunk <= 0 || !Object.is(Math.fround(scale), scale)) return false;
  const pool = threads > 1 && src.length > chunk;
  const rt = withMemory(DATA + chunk * 4 * (pool ? threads * DEPTH : 1));
  if (!rt) return false;
  if (pool && ensureWorkers(rt, threads, WORKER_SOURCE, SLOT, 8)) {
    const jobs = function* (): Generator<PoolJob> {
      for (let from = 0; from < src.length; from += chunk) {
        const to = Math.min(src.length, from + chunk);
        yield { from, to, scaleAt: 0, scaleCount: 0, n: to - from, size: 0, g: scale, blockCols: 0 };
      }
    };
    poolRun(rt, 'e4m3', jobs(), src, dst, new Float32Array(0), threads, chunk * 4, chunk * 4);
    return true;
  }
  const m = rt.f32;
  const at = DATA / 4;
  for (let from = 0; from < src.length; from += chunk) {
    const to = Math.min(src.length, from + chunk);
    m.set(src.subarray(from, to), at);
    rt.e4m3Keep0(DATA, 1, (to - from) * 4, 0, scale);
    dst.set(m.subarray(at, at + to - from), from);
  }
  return true;
}

/**
 * A reduction kernel `reduce(ptr, bytes, out)` over the whole vectors of `src`, chunk by chunk, folding into
 * the floats at `out` that `seed` holds first; the float32 view and index of `out` afterwards (the caller
 * folds in the last `src.length % 4` elements). Null where the kernel cannot run (`chunk`: a multiple of 4).
 */
function reduceWasm(
  src: Float32Array, chunk: number, seed: readonly number[], reduce: (rt: Runtime) => Runtime['range'],
): { m: Float32Array; out: number; whole: number } | null {
  if (chunk % 4 !== 0 || chunk <= 0) return null;
  const rt = withMemory(DATA + chunk * 4 + 16);
  if (!rt) return null;
  const m = rt.f32;
  const at = DATA / 4;
  const out = at + chunk; // float index of the results
  seed.forEach((v, i) => (m[out + i] = v));
  const whole = src.length - (src.length % 4);
  for (let from = 0; from < whole; from += chunk) {
    const to = Math.min(whole, from + chunk);
    m.set(src.subarray(from, to), at);
    reduce(rt)(DATA, (to - from) * 4, out * 4);
  }
  return { m, out, whole };
}

/**
 * `Math.max` of |x| over float32 data from 0 (NaN if any element is NaN; +0 for none or only zeros): FP8 per
 * tensor's amax, or null where the kernel cannot run (`chunk`: a multiple of 4).
 */
export function absMaxWasm(src: Float32Array, chunk = CHUNK): number | null {
  const r = reduceWasm(src, chunk, [0], (rt) => rt.absMax);
  if (!r) return null;
  let a = r.m[r.out];
  for (let j = r.whole; j < src.length; j++) a = Math.max(a, Math.abs(src[j]));
  return a;
}

/**
 * The extremes of float32 data (`dataRange`: NaN ignored), or null where the kernel cannot run (`chunk`: a
 * multiple of 4). A zero extreme gets the sign of the first zero in the data, as the sequential loop keeps it.
 */
export function rangeWasm(src: Float32Array, chunk = CHUNK): { lo: number; hi: number } | null {
  const r = reduceWasm(src, chunk, [Infinity, -Infinity], (rt) => rt.range);
  if (!r) return null;
  let lo = r.m[r.out];
  let hi = r.m[r.out + 1];
  for (let j = r.whole; j < src.length; j++) {
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
