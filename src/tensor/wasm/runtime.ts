import { wasmApi } from './api.ts';
import { fwhtKernelBytes } from './fwhtKernel.ts';
import { awaitWorker, ensureWorkers, workerSource, type WorkerPool } from './workerPool.ts';

/**
 * The WebAssembly-SIMD FWHT runtime: one shared memory, the kernel compiled once, and a persistent pool of
 * worker threads (created lazily on the first multi-threaded call, unref'd so the process can still exit).
 * Workers sleep in `Atomics.wait` on a control slot; a call writes each worker's slice, bumps its sequence
 * number, and the calling thread blocks in `Atomics.wait` until all report done, so the API stays synchronous.
 *
 * Memory layout: bytes [0, CONTROL_BYTES) are control slots (16 int32 per worker: 0 seq, 1 done, 2 ptr,
 * 3 block, 4 count, 5 scale as f32 bits, 6 ready); data from CONTROL_BYTES on, 16-byte aligned.
 */
const CONTROL_BYTES = 4096;
const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB of address space reserved (shared memories need a maximum)
const SLOT = 16;

type FwhtFn = (ptr: number, block: number, count: number, scale: number) => void;

interface Runtime extends WorkerPool {
  fwht: FwhtFn;
}

let runtime: Runtime | null | undefined;

/** True when this engine validates the v128 kernel (WebAssembly SIMD available). */
export function wasmSimdSupported(): boolean {
  return getRuntime() !== null;
}

function getRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  try {
    const bytes = fwhtKernelBytes({ module: 'env', name: 'mem', minPages: 1, maxPages: MAX_PAGES, shared: true });
    const wa = wasmApi;
    if (!wa || typeof SharedArrayBuffer === 'undefined' || !wa.validate(bytes)) return (runtime = null);
    const memory = new wa.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const module = new wa.Module(bytes);
    const instance = new wa.Instance(module, { env: { mem: memory } });
    runtime = { memory, module, fwht: instance.exports.fwht as FwhtFn, workers: [], poolBroken: false };
  } catch {
    runtime = null;
  }
  return runtime;
}

const WORKER_SOURCE = workerSource(CONTROL_BYTES / 4, SLOT, 6, '', 'e.fwht(ctl[base + 2], ctl[base + 3], ctl[base + 4], f32[base + 5]);');

function ensureBytes(rt: Runtime, bytes: number): void {
  const need = Math.ceil((CONTROL_BYTES + bytes) / PAGE);
  const have = rt.memory.buffer.byteLength / PAGE;
  if (need > have) rt.memory.grow(need - have);
}

/** Bytes per pipelined chunk: copies of one chunk overlap the workers' transforms of the previous ones. */
const CHUNK_BYTES = 2 << 20;

/**
 * In-place FWHT of every length-`block` piece of `data` (float32 [rows, cols] flattened, `block` a power of
 * two ≥ 4 dividing its length), `v := v·S·scale`, with `threads` workers (1 = on the calling thread).
 * Steps: 1. the calling thread copies a chunk into the shared memory; 2. hands it to the next worker (waiting
 * for that worker's previous chunk and copying it back first); 3. copies the last chunks back. Copies thus
 * overlap the transforms. Returns false (data untouched) when SIMD is unavailable.
 */
export function fwhtWasm(data: Float32Array, block: number, scale: number, threads = 2): boolean {
  const rt = getRuntime();
  if (!rt || block < 4) return false;
  ensureBytes(rt, data.byteLength);
  const view = new Float32Array(rt.memory.buffer, CONTROL_BYTES, data.length);
  const blocks = data.length / block;
  if (threads <= 1 || blocks < 2 || !ensureWorkers(rt, threads, WORKER_SOURCE, SLOT, 6)) {
    view.set(data);
    rt.fwht(CONTROL_BYTES, block, blocks, scale);
    data.set(view);
    return true;
  }
  const ctl = new Int32Array(rt.memory.buffer as SharedArrayBuffer, 0, CONTROL_BYTES / 4);
  const f32 = new Float32Array(rt.memory.buffer, 0, CONTROL_BYTES / 4);
  const perChunk = Math.max(1, Math.min(Math.ceil(blocks / threads), Math.floor(CHUNK_BYTES / (4 * block))));
  const chunks = Math.ceil(blocks / perChunk);
  const pending: ({ seq: number; from: number; to: number } | null)[] = Array(threads).fill(null);
  const finish = (w: number): void => {
    const p = pending[w];
    if (!p) return;
    awaitWorker(rt, ctl, w * SLOT + 1, p.seq, 'FWHT');
    data.set(view.subarray(p.from, p.to), p.from);
    pending[w] = null;
  };
  for (let c = 0; c < chunks; c++) {
    const w = c % threads;
    finish(w);
    const from = c * perChunk * block;
    const to = Math.min(blocks, (c + 1) * perChunk) * block;
    view.set(data.subarray(from, to), from);
    const b = w * SLOT;
    ctl[b + 2] = CONTROL_BYTES + from * 4;
    ctl[b + 3] = block;
    ctl[b + 4] = (to - from) / block;
    f32[b + 5] = scale;
    pending[w] = { seq: Atomics.add(ctl, b, 1) + 1, from, to };
    Atomics.notify(ctl, b);
  }
  for (let w = 0; w < threads; w++) finish(w);
  return true;
}
