/**
 * The wasm worker pool's hand-off counters (src/tensor/wasm/workerPool.ts): a caller waiting for job `seq`
 * returns once the worker's done counter has reached it or gone past it (a worker with a second job queued may
 * finish both before the caller looks), across the int32 wrap of the counters.
 */
import { describe, expect, it } from 'vitest';
import type { WasmMemory } from '../../src/tensor/wasm/api.ts';
import { awaitWorker, type WorkerPool } from '../../src/tensor/wasm/workerPool.ts';

function pool(): { pool: WorkerPool; ctl: Int32Array } {
  const buffer = new SharedArrayBuffer(64);
  const memory: WasmMemory = { buffer, grow: () => 0 };
  return { pool: { memory, module: {}, workers: [], poolBroken: false }, ctl: new Int32Array(buffer) };
}

describe('awaitWorker', () => {
  it('returns when the done counter equals the job or is past it, wrap included', () => {
    const { pool: p, ctl } = pool();
    p.poolBroken = true; // an implementation that waited would throw after its first timed-out wait
    for (const [done, seq] of [[5, 5], [6, 5], [-2147483648, 2147483647], [-2147483647, 2147483647]]) {
      ctl[1] = done;
      expect(() => awaitWorker(p, ctl, 1, seq, 'test')).not.toThrow();
    }
  });

  it('waits for a done counter behind the job until a worker stores it', async () => {
    const { pool: p, ctl } = pool();
    ctl[1] = 2147483647; // the job is 1 past, across the wrap
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(
      'const { workerData } = require("node:worker_threads"); const c = new Int32Array(workerData); setTimeout(() => { Atomics.store(c, 1, -2147483648); Atomics.notify(c, 1); }, 50);',
      { eval: true, workerData: ctl.buffer },
    );
    awaitWorker(p, ctl, 1, -2147483648, 'test');
    expect(ctl[1]).toBe(-2147483648);
    await worker.terminate();
  });
});
