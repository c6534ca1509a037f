/**
 * Unstructured magnitude masks: which weights a pruning modifier holds at zero. Pure functions over
 * typed arrays, shared by the pruning modifiers.
 */
import type { Model } from '../../model/model.ts';
import type { TensorData } from '../../tensor/tensor.ts';

/** A mask keeping all but the `round(sparsity · n)` smallest-magnitude weights (ties broken by index). */
export function magnitudeMask(weights: TensorData, sparsity: number): Uint8Array {
  const n = weights.length;
  const prune = Math.min(n, Math.max(0, Math.round(sparsity * n)));
  const mask = new Uint8Array(n).fill(1);
  if (prune === 0) return mask;
  // The prune-th smallest magnitude is the threshold: below it everything goes, at it ties go by index.
  const mags = new Float64Array(n);
  for (let i = 0; i < n; i++) mags[i] = Math.abs(weights[i]);
  const sorted = mags.slice().sort();
  const threshold = sorted[prune - 1];
  let below = 0;
  for (let i = 0; i < n; i++) if (mags[i] < threshold) below++;
  let ties = prune - below;
  for (let i = 0; i < n; i++) {
    if (mags[i] < threshold) mask[i] = 0;
    else if (mags[i] === threshold && ties > 0) {
      mask[i] = 0;
      ties--;
    }
  }
  return mask;
}

/** The mask of weights that are exactly zero now (what ConstantPruning holds). */
export function zeroMask(weights: TensorData): Uint8Array {
  const mask = new Uint8Array(weights.length);
  for (let i = 0; i < weights.length; i++) mask[i] = weights[i] === 0 ? 0 : 1;
  return mask;
}

export function applyMask(weights: TensorData, mask: Uint8Array): void {
  for (let i = 0; i < weights.length; i++) if (mask[i] === 0) weights[i] = 0;
}

/** Fraction of exact zeros. */
export function sparsityOf(weights: TensorData): number {
  return weights.length ? zerosIn(weights) / weights.length : 0;
}

/** How many entries are ±0. Float32 data is read as bits, without a branch per weight (the run table counts every step). */
function zerosIn(weights: TensorData): number {
  let zeros = 0;
  if (weights instanceof Float32Array) {
    const bits = new Int32Array(weights.buffer, weights.byteOffset, weights.length);
    // (x & 0x7fffffff) - 1 is negative exactly when x is +0 or -0; >> 31 makes that -1.
    for (let i = 0; i < bits.length; i++) zeros -= ((bits[i] & 0x7fffffff) - 1) >> 31;
  } else {
    for (let i = 0; i < weights.length; i++) if (weights[i] === 0) zeros++;
  }
  return zeros;
}

/** Share of zeros over the decoder's Linear weights (lm_head excluded): the sparsity a run reports. */
export function linearSparsity(model: Model): number {
  let zeros = 0;
  let total = 0;
  for (const [, m] of model.namedModules()) {
    if (m.kind !== 'linear' || m.name === 'lm_head') continue;
    zeros += sparsityOf(m.weight.data) * m.weight.size;
    total += m.weight.size;
  }
  return total ? zeros / total : 0;
}

/** The shapes a gradual-pruning schedule can take between `init_sparsity` and `final_sparsity`. */
export const INTERPOLATIONS = ['linear', 'cubic', 'inverse_cubic'] as const;
export type Interpolation = (typeof INTERPOLATIONS)[number];

/**
 * Sparsity at `progress` ∈ [0, 1] (clamped) between `init` and `final`, shaped like SparseML's and older
 * LLM Compressor's `interpolate`: `linear` is even; `cubic`, 1 − (1 − p)³, prunes fast early and slowly
 * late (upstream's default `update_scheduler`); `inverse_cubic`, 1 − (1 − p)^⅓, prunes slowly early and
 * fast late.
 */
export function interpolateSparsity(init: number, final: number, progress: number, kind: Interpolation): number {
  const p = Math.min(1, Math.max(0, progress));
  const shaped = kind === 'cubic' ? 1 - (1 - p) ** 3 : kind === 'inverse_cubic' ? 1 - (1 - p) ** (1 / 3) : p;
  return init + (final - init) * shaped;
}

/** Indices of a mask's pruned (0) entries: holding a mask then touches only the pruned weights. */
export function prunedIndices(mask: Uint8Array): Uint32Array {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += 1 - mask[i];
  const out = new Uint32Array(n);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i] === 0) out[k++] = i;
  return out;
}

/** Zeroes the weights at `indices` (a mask in `prunedIndices` form). */
export function zeroAt(weights: TensorData, indices: Uint32Array): void {
  for (let k = 0; k < indices.length; k++) weights[indices[k]] = 0;
}
