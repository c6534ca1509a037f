import { wasmApi, type WasmMemory } from './api.ts';
import { linearKernelBytes } from './linearKernel.ts';

/**
 * The WebAssembly-SIMD Linear runtime (kernel in linearKernel.ts): one private memory, the kernel compiled
 * once on first use, single-threaded. Each call copies x, W and b into the memory as float64 (typed-array
 * `set`, native and exact from float32), runs the kernel, and copies y back (rounding to float32 like a
 * typed-array store when `out` is float32). Nothing is cached between calls, so weights mutated in place
 * or replaced by modifiers are always seen; the copies cost ~1/T of the multiply, which is why callers use
 * this only from LINEAR_WASM_MIN_MACS multiply-adds up (src/tensor/backend.ts).
 *
 * Memory layout per call (byte offsets, each 16-aligned): x (T, n) · W (dPad, n) · b (dPad) · y (T, dPad),
 * dPad = d rounded up to even (the kernel pairs output rows; a padded row's outputs are never read).
 */
type LinearFn = (x: number, w: number, b: number, out: number, T: number, n: number, nPairs: number) => void;

interface Runtime {
  memory: WasmMemory;
  linear: LinearFn;
  f64: Float64Array;
}

const PAGE = 65536;
const MAX_PAGES = 32768;
let runtime: Runtime | null | undefined;

function getRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  try {
    const wa = wasmApi;
    const bytes = linearKernelBytes({ module: 'env', name: 'mem', minPages: 1, maxPages: MAX_PAGES, shared: false });
    if (!wa || !wa.validate(bytes)) return (runtime = null);
    const memory = new wa.Memory({ initial: 1, maximum: MAX_PAGES });
    const instance = new wa.Instance(new wa.Module(bytes), { env: { mem: memory } });
    runtime = { memory, linear: instance.exports.linear as LinearFn, f64: new Float64Array(memory.buffer) };
  } catch {
    runtime = null;
  }
  return runtime;
}

/** True when this engine validates and runs the v128 Linear kernel. */
export function linearWasmSupported(): boolean {
  return getRuntime() !== null;
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

type Buf = Float32Array | Float64Array;

/**
 * out (T, d) = x (T, n) · Wᵀ + b on the SIMD kernel, bit-identical to `linearRows` / `linearRows64` for
 * any mix of float32 and float64 operands. Returns false (out untouched) when the kernel is unavailable or
 * the shapes are degenerate (n = 0, T = 0, d = 0) or too large for the address space; the caller then runs
 * the TypeScript kernel.
 */
export function linearWasm(out: Buf, x: Buf, w: Buf, b: Buf | null, T: number, n: number, d: number): boolean {
  if (T <= 0 || n <= 0 || d <= 0) return false;
  const rt = getRuntime();
  if (!rt) return false;
  const dPad = d + (d & 1);
  const xOff = 0;
  const wOff = xOff + align16(T * n * 8);
  const bOff = wOff + align16(dPad * n * 8);
  const oOff = bOff + align16(dPad * 8);
  const end = oOff + T * dPad * 8;
  const pages = Math.ceil(end / PAGE);
  if (pages > MAX_PAGES) return false;
  const have = rt.memory.buffer.byteLength / PAGE;
  if (pages > have) {
    rt.memory.grow(pages - have);
    rt.f64 = new Float64Array(rt.memory.buffer);
  }
  const m = rt.f64;
  m.set(x.length === T * n ? x : x.subarray(0, T * n), xOff / 8);
  m.set(w.length === d * n ? w : w.subarray(0, d * n), wOff / 8);
  if (d !== dPad) m.fill(0, wOff / 8 + d * n, wOff / 8 + dPad * n);
  if (b) {
    m.set(b.length === d ? b : b.subarray(0, d), bOff / 8);
    if (d !== dPad) m[bOff / 8 + d] = 0;
  } else m.fill(0, bOff / 8, bOff / 8 + dPad);
  rt.linear(xOff, wOff, bOff, oOff, T, n, dPad / 2);
  const o = oOff / 8;
  if (d === dPad) out.set(m.subarray(o, o + T * d));
  else for (let t = 0; t < T; t++) out.set(m.subarray(o + t * dPad, o + t * dPad + d), t * d);
  return true;
}
