import { gpuFor, type GpuJsMode, type GpuKernel } from './loader.ts';

/**
 * gpu.js kernels. Every kernel has a 1-D output (flat row-major index `this.thread.x`), dynamic output size
 * and arguments, and computes in float32 (gpu.js's precision), so results agree with the TS kernels to
 * float32 rounding. Kernels are compiled on first use per mode and cached. Buffers are documented per kernel;
 * all arrays are flat row-major Float32Arrays.
 */
const SETTINGS = { dynamicOutput: true, dynamicArguments: true, loopMaxIterations: 1 << 20, tactic: 'precision' };

type KernelFn = (...args: never[]) => number;
const cache = new Map<string, GpuKernel>();

function kernel(mode: GpuJsMode, name: string, fn: KernelFn): GpuKernel {
  const key = `${mode}:${name}`;
  let k = cache.get(key);
  if (!k) {
    const gpu = gpuFor(mode);
    if (!gpu) throw new Error(`gpu.js mode '${mode}' is not available`);
    k = gpu.createKernel(fn, SETTINGS);
    cache.set(key, k);
  }
  return k;
}

function run(k: GpuKernel, size: number, ...args: unknown[]): Float32Array {
  k.setOutput([size]);
  return k(...args) as Float32Array;
}

interface Thread {
  thread: { x: number };
}

/** out [m, n] = a [m, k] · b [k, n]. */
export function matmulGpu(mode: GpuJsMode, a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const fn = function (this: Thread, a: Float32Array, b: Float32Array, k: number, n: number): number {
    const i = Math.floor(this.thread.x / n);
    const j = this.thread.x - i * n;
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
    return s;
  };
  return run(kernel(mode, 'matmul', fn as unknown as KernelFn), m * n, a, b, k, n);
}

/** out [rows, cols] = x [rows, cols] · diag(T, …, T), T [b, b]. */
export function transformRowsGpu(mode: GpuJsMode, x: Float32Array, t: Float32Array, cols: number, b: number): Float32Array {
  const fn = function (this: Thread, x: Float32Array, t: Float32Array, b: number): number {
    const c = this.thread.x % b;
    const start = this.thread.x - c;
    let s = 0;
    for (let i = 0; i < b; i++) s += x[start + i] * t[i * b + c];
    return s;
  };
  void cols;
  return run(kernel(mode, 'rowTransform', fn as unknown as KernelFn), x.length, x, t, b);
}

/** One FWHT stage on x [rows·cols] flat, butterfly span h: out = pairs (a + b, a − b) at distance h. */
function fwhtStageGpu(mode: GpuJsMode, x: Float32Array, h: number, scale: number): Float32Array {
  const fn = function (this: Thread, x: Float32Array, h: number, scale: number): number {
    const idx = this.thread.x;
    const bit = Math.floor(idx / h) % 2;
    if (bit < 0.5) return (x[idx] + x[idx + h]) * scale;
    return (x[idx - h] - x[idx]) * scale;
  };
  return run(kernel(mode, 'fwhtStage', fn as unknown as KernelFn), x.length, x, h, scale);
}

/** FWHT of every length-`block` piece of x (flat), scaled by `scale` in the last stage. */
export function fwhtGpu(mode: GpuJsMode, x: Float32Array, block: number, scale: number): Float32Array {
  let cur = x;
  if (block === 1) return Float32Array.from(x, (v) => v * scale);
  for (let h = 1; h < block; h *= 2) cur = fwhtStageGpu(mode, cur, h, h * 2 === block ? scale : 1);
  return cur;
}

/**
 * RTN dequantized values: w [rows·cols] flat with per-slice scale/zero point already computed (scales and
 * zps [rows·groups]); groupSize columns per slice. Round half to even, as torch.round.
 */
export function fakeQuantGpu(
  mode: GpuJsMode,
  w: Float32Array,
  scales: Float32Array,
  zps: Float32Array,
  cols: number,
  groupSize: number,
  qmin: number,
  qmax: number,
): Float32Array {
  const fn = function (
    this: Thread,
    w: Float32Array,
    scales: Float32Array,
    zps: Float32Array,
    cols: number,
    groupSize: number,
    groups: number,
    qmin: number,
    qmax: number,
  ): number {
    const idx = this.thread.x;
    const r = Math.floor(idx / cols);
    const g = Math.floor((idx - r * cols) / groupSize);
    const s = scales[r * groups + g];
    const zp = zps[r * groups + g];
    let v = w[idx] / s + zp;
    v = Math.min(Math.max(v, qmin), qmax);
    const f = Math.floor(v);
    const d = v - f;
    let q = f;
    if (d > 0.5) q = f + 1;
    if (d === 0.5) {
      if (f - 2 * Math.floor(f / 2) !== 0) q = f + 1;
    }
    return (q - zp) * s;
  };
  const groups = Math.ceil(cols / groupSize);
  return run(kernel(mode, 'fakeQuant', fn as unknown as KernelFn), w.length, w, scales, zps, cols, groupSize, groups, qmin, qmax);
}

/** W' [out, in] = W[i][j]·g[j]. */
export function fuseNormGpu(mode: GpuJsMode, w: Float32Array, g: Float32Array, cols: number): Float32Array {
  const fn = function (this: Thread, w: Float32Array, g: Float32Array, cols: number): number {
    return w[this.thread.x] * g[this.thread.x % cols];
  };
  return run(kernel(mode, 'fuseNorm', fn as unknown as KernelFn), w.length, w, g, cols);
}

/** e' [num, dim] = each row minus its mean. */
export function centerRowsGpu(mode: GpuJsMode, e: Float32Array, cols: number): Float32Array {
  const fn = function (this: Thread, e: Float32Array, cols: number): number {
    const start = Math.floor(this.thread.x / cols) * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += e[start + j];
    return e[this.thread.x] - s / cols;
  };
  return run(kernel(mode, 'centerRows', fn as unknown as KernelFn), e.length, e, cols);
}
