/**
 * Per-module Hessians of Linear inputs for GPTQ and SparseGPT (upstream `accumulate_hessian`): H += 2·XᵀX for
 * each calibration batch, one sample per batch (a [tokens, in] input is unsqueezed to a batch of one).
 */
import type { Tensor } from '../../tensor/tensor.ts';
import { accumulateGram } from '../../tensor/ops.ts';

export class HessianAccumulator {
  readonly #entries = new Map<string, { h: Float64Array; samples: number }>();

  add(name: string, x: Tensor): void {
    const cols = x.shape[x.shape.length - 1];
    let e = this.#entries.get(name);
    if (!e) this.#entries.set(name, (e = { h: new Float64Array(cols * cols), samples: 0 }));
    accumulateGram(e.h, x.data, x.size / cols, cols, 2);
    e.samples += 1;
  }

  /** Removes `name`'s Hessian and returns it divided by its sample count (undefined if it saw none). */
  take(name: string): { h: Float64Array; samples: number } | undefined {
    const e = this.#entries.get(name);
    if (!e) return undefined;
    this.#entries.delete(name);
    for (let i = 0; i < e.h.length; i++) e.h[i] /= e.samples;
    return e;
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** A `block_size`-style field: a positive integer. */
export function asPositiveInt(v: unknown, error: (message: string) => Error): number {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  throw error(`Input should be a valid positive integer (got ${JSON.stringify(v)})`);
}
