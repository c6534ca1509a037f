/** The invariance oracle of spinquant.md §5: logits on a probe before and after each step. */
import type { Model } from '../../model/model.ts';
import type { Tensor } from '../../tensor/tensor.ts';

export interface Drift {
  /** max |Δlogit| */
  maxAbs: number;
  /** mean squared Δlogit */
  mse: number;
}

export interface DriftReport {
  probe: number[];
  /** L1 (after centring) vs L0 (before untying). */
  centering: Drift;
  /** L2 (after the transforms) vs L1. */
  rotations: Drift;
}

/** Token ids `1…min(16, vocab − 1)`. */
export function defaultProbe(vocab: number): number[] {
  const n = Math.max(1, Math.min(16, vocab - 1));
  return Array.from({ length: n }, (_, i) => Math.min(i + 1, vocab - 1));
}

/** Logits for the probe, copied to float64. */
export function probeLogits(model: Model, probe: readonly number[]): Float64Array {
  const t: Tensor = model.forward(probe);
  return Float64Array.from(t.data);
}

export function compareLogits(before: ArrayLike<number>, after: ArrayLike<number>): Drift {
  let maxAbs = 0;
  let sq = 0;
  for (let i = 0; i < before.length; i++) {
    const d = after[i] - before[i];
    const a = Math.abs(d);
    if (a > maxAbs || Number.isNaN(a)) maxAbs = a;
    sq += d * d;
  }
  return { maxAbs, mse: before.length ? sq / before.length : 0 };
}
