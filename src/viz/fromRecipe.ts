/**
 * Records for a timeline from a recipe: the training simulator's calls applied to a lifecycle, with
 * no optimizer step (phases do not depend on weights), recording every record. The model's sparsity
 * is measured only after steps where a modifier reported an effect, so the cost stays with the
 * lifecycle. A run that fails after `initialize` returns what it recorded up to the failure.
 */
import type { Fidelity } from '../core/fidelity.ts';
import type { LifecycleRecord } from '../core/records.ts';
import { EventType } from '../core/events.ts';
import { applyCall } from '../lifecycle/calls.ts';
import { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import type { Model } from '../model/model.ts';
import { linearSparsity } from '../modifiers/pruning/masks.ts';
import type { RecipeInput } from '../recipe/recipe.ts';
import { trainingCalls } from '../sim/training.ts';
import { scheduleOf, type RunSchedule } from './schedule.ts';

export interface RecipeRunOptions {
  recipe: RecipeInput;
  epochs: number;
  stepsPerEpoch: number;
  batchesPerStep?: number;
  fidelity?: Fidelity;
  /** The model modifiers act on (pruning and quantization need one); null runs without. */
  model: Model | null;
  seed?: number;
}

export interface RecordedRun {
  records: LifecycleRecord[];
  schedule: RunSchedule;
  /** (step, fraction of Linear weights that are zero, lm_head excluded) where it changed. */
  modelSparsity: Array<[number, number]> | null;
  /** The error that stopped the run after `initialize` (also in the records), else null. */
  stoppedBy: unknown;
}

/** Runs the recipe's simulated training and returns what a timeline needs. Errors propagate as named. */
export function recordRecipeRun(options: RecipeRunOptions): RecordedRun {
  const fidelity = options.fidelity ?? 'default';
  const batchesPerStep = options.batchesPerStep ?? 1;
  const lifecycle = new CompressionLifecycle({ fidelity });
  const records: LifecycleRecord[] = [];
  let effectSinceMeasure = false;
  const sub = lifecycle.records$.subscribe((r) => {
    records.push(r);
    if (r.type === 'effect.modifier') effectSinceMeasure = true;
  });
  const model = options.model;
  const sparsity: Array<[number, number]> | null = model ? [[0, linearSparsity(model)]] : null;
  const measure = (position: number) => {
    if (!model || !sparsity || !effectSinceMeasure) return;
    effectSinceMeasure = false;
    const v = linearSparsity(model);
    if (v !== sparsity[sparsity.length - 1][1]) sparsity.push([position, v]);
  };
  let stoppedBy: unknown = null;
  try {
    const calls = trainingCalls({ recipe: options.recipe, epochs: options.epochs, stepsPerEpoch: options.stepsPerEpoch, batchesPerStep, model, seed: options.seed ?? 0 });
    for (const c of calls) {
      applyCall(lifecycle, c);
      if (c.call === 'initialize') measure(0);
      if (c.call === 'event' && c.type === EventType.BATCH_END) measure(c.options.globalStep as number);
      if (c.call === 'finalize') measure(options.epochs * options.stepsPerEpoch);
    }
  } catch (e) {
    // A recipe that cannot be built or initialized is the caller's error; one that fails mid-run
    // (e.g. E14 after onInitialize returned false) is part of the story: its record ends the timeline.
    if (!lifecycle.initialized || !records.some((r) => r.type === 'effect.error' || r.type === 'call.rejected')) throw e;
    stoppedBy = e;
  } finally {
    sub.unsubscribe();
  }
  const schedule: RunSchedule = {
    modifiers: scheduleOf(lifecycle.recipe.modifiers),
    epochs: options.epochs,
    stepsPerEpoch: options.stepsPerEpoch,
    batchesPerStep,
    fidelity,
  };
  return { records, schedule, modelSparsity: sparsity, stoppedBy };
}
