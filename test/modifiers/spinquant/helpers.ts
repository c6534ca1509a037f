/** Fixtures for SpinQuant and quantization tests: models, a datafree run without a lifecycle, logit metrics. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../../../src/model/load/index.ts';
import { createSyntheticModel } from '../../../src/model/synthetic.ts';
import type { Model } from '../../../src/model/model.ts';
import { State } from '../../../src/core/state.ts';
import { Event, EventType } from '../../../src/core/events.ts';
import type { Modifier } from '../../../src/modifiers/modifier.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** models/stories260K.bin, shipped in the repo. */
export const STORIES = path.resolve(repoRoot, 'models', 'stories260K.bin');

let stories: Model | null = null;
/** A fresh copy of stories260K (loaded once). */
export async function storiesModel(): Promise<Model> {
  stories ??= await loadModel(STORIES);
  return stories.clone();
}

let synthetic: Model | null = null;
export function syntheticModel(): Model {
  synthetic ??= createSyntheticModel();
  return synthetic.clone();
}

/** Probe tokens used to compare logits. */
export const PROBE = [1, 17, 42, 99, 7, 300, 12, 255, 3, 64, 128, 5, 250, 33, 77, 401];

export function logits(model: Model, tokens: readonly number[] = PROBE): Float64Array {
  return Float64Array.from(model.forward(tokens).data);
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/**
 * The datafree sequence without a lifecycle: initialize each modifier, then CALIBRATION_EPOCH_START,
 * SEQUENTIAL_EPOCH_END (all modules), CALIBRATION_EPOCH_END, finalize.
 */
export function runDatafree(model: Model, modifiers: Modifier[], kwargs: Record<string, unknown> = {}): void {
  const state = new State().update({ model }).state;
  const k = { fidelity: 'default', ...kwargs };
  for (const m of modifiers) m.initialize(state, k);
  const modules = model.namedModules().map(([, m]) => m);
  for (const type of [EventType.CALIBRATION_EPOCH_START, EventType.SEQUENTIAL_EPOCH_END, EventType.CALIBRATION_EPOCH_END]) {
    for (const m of modifiers) m.updateEvent(state, new Event({ type }), type === EventType.SEQUENTIAL_EPOCH_END ? { ...k, modules } : k);
  }
  for (const m of modifiers) m.finalize(state, k);
}
