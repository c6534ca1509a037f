import { Worker } from 'node:worker_threads';
import { RuntimeError } from '../../core/errors.ts';
import type { WasmMemory, WasmModule } from './api.ts';

/**
 * The worker-thread pools of the wasm runtimes (FWHT, float fake quantization): workers that share one wasm
 * memory and compiled module, each sleeping in `Atomics.wait` on its control slot (int32s at the start of the
 * memory) until the calling thread bumps the slot's sequence number. Workers are unref'd, so the process can
 * still exit; a worker error marks the pool broken, and its runtime falls back to the calling thread.
 */
export interface WorkerPool {
  memory: WasmMemory;
  module: WasmModule;
  workers: Worker[];
  poolBroken: boolean;
}

/**
 * At least `count` workers running `source` (CommonJS, evaluated; workerData `{ memory, module, slot }`),
 * each of which sets int32 `ready` of its slot (`slotInts` int32s per worker) to 1 once its kernel is
 * instantiated; waits for that (bounded). False, with the pool marked broken, when a worker does not start.
 */
export function ensureWorkers(pool: WorkerPool, count: number, source: string, slotInts: number, ready: number): boolean {
  if (pool.poolBroken) return false;
  const ctl = new Int32Array(pool.memory.buffer as SharedArrayBuffer);
  while (pool.workers.length < count) {
    const slot = pool.workers.length;
    const at = slot * slotInts + ready;
    Atomics.store(ctl, at, 0);
    const worker = new Worker(source, { eval: true, workerData: { memory: pool.memory, module: pool.module, slot } });
    worker.unref();
    worker.on('error', () => {
      pool.poolBroken = true;
    });
    if (Atomics.wait(ctl, at, 0, 10_000) === 'timed-out' && Atomics.load(ctl, at) !== 1) {
      pool.poolBroken = true;
      void worker.terminate();
      return false;
    }
    pool.workers.push(worker);
  }
  return true;
}

/**
 * Blocks until int32 `at` of the control memory `ctl` (a worker's done counter) reaches `seq` (it may be past
 * it: a worker with several jobs queued); throws a RuntimeError saying `what` failed (and how to bypass the
 * pool) when the pool broke meanwhile. Counters wrap as int32.
 */
export function awaitWorker(pool: WorkerPool, ctl: Int32Array, at: number, seq: number, what: string): void {
  for (let done = Atomics.load(ctl, at); ((done - seq) | 0) < 0; done = Atomics.load(ctl, at)) {
    if (Atomics.wait(ctl, at, done, 1000) === 'timed-out' && pool.poolBroken) {
      throw new RuntimeError(`a wasm ${what} worker failed; set LLMC_SIM_BACKEND=ts to bypass the worker pool`);
    }
  }
}

/**
 * The source of a pool worker: instantiates the module on the shared memory (`e`: its exports; `ctl`, `f32`:
 * int32 and float32 views of the first `controlInts` control words; `base`: this worker's slot of `slotInts`),
 * runs `setup` once, reports ready at int32 `ready` of the slot, then runs `job` once per bump of the slot's
 * sequence number (word 0), in order, with `seq` the job's number, storing each finished one in word 1 (done):
 * a caller may queue a second job (its arguments elsewhere in the slot, chosen by `seq`) before the first ends.
 */
export function workerSource(controlInts: number, slotInts: number, ready: number, setup: string, job: string): string {
  return `
const { workerData } = require('node:worker_threads');
const { memory, module, slot } = workerData;
const e = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
const ctl = new Int32Array(memory.buffer, 0, ${controlInts});
const f32 = new Float32Array(memory.buffer, 0, ${controlInts});
const base = slot * ${slotInts};
${setup}
let seen = Atomics.load(ctl, base);
Atomics.store(ctl, base + ${ready}, 1);
Atomics.notify(ctl, base + ${ready});
for (;;) {
  Atomics.wait(ctl, base, seen);
  while (Atomics.load(ctl, base) !== seen) {
    const seq = (seen + 1) | 0;
    ${job}
    seen = seq;
    Atomics.store(ctl, base + 1, seq);
    Atomics.notify(ctl, base + 1);
  }
}
`;
}
