/**
 * The calibration pipelines' event sequences (lifecycle.md §9.2, ≤ 0.12), fired through the active
 * session's callbacks so they are recorded like any run. No pipeline fires BATCH_* or OPTIM_* events.
 * - datafree: CALIBRATION_EPOCH_START; SEQUENTIAL_EPOCH_END(all modules); CALIBRATION_EPOCH_END.
 * - basic: start; a forward of every batch; SEQUENTIAL_EPOCH_END(all modules); end.
 * - sequential: subgraphs first; start; per subgraph: a forward of every batch, SEQUENTIAL_EPOCH_END(its
 *   modules), then (error propagation) a second forward inside `HooksMixin.disableHooks()`; end.
 * - independent: per modifier, `recipe.modifiers = [modifier]` and its own inferred pipeline; restored after.
 *
 * Our forward runs the whole model (there is no per-layer entry point); hooks see the same activations a
 * subgraph forward would, since earlier subgraphs are already calibrated.
 */
import { callbacks } from '../../lifecycle/callbacks.ts';
import { activeSession } from '../../lifecycle/session.ts';
import type { Model } from '../../model/model.ts';
import { HooksMixin } from '../../model/hooksMixin.ts';
import { allModules, sequentialSubgraphs } from './subgraphs.ts';
import { inferPipeline, type PipelineName } from './infer.ts';

export interface PipelineOptions {
  /** Token sequences; each is one batch. */
  calibrationData?: readonly (readonly number[])[] | null;
  /** Sequential only: the second, hooks-disabled forward that feeds the next subgraph (default true). */
  propagateError?: boolean;
}

/** The propagation forward (sequential's second pass): no batch bookkeeping. */
function forwardAll(model: Model, data: PipelineOptions['calibrationData']): void {
  for (const batch of data ?? []) if (batch.length > 0) model.forward(batch);
}

/** A calibration forward of every batch, with `state.currentBatchIdx` set to each batch's index. */
function calibrationForward(model: Model, data: PipelineOptions['calibrationData']): void {
  const lifecycle = activeSession().lifecycle;
  (data ?? []).forEach((batch, i) => {
    lifecycle.updateState({ currentBatchIdx: i });
    if (batch.length > 0) model.forward(batch);
  });
}

export function runDatafree(model: Model): void {
  callbacks.calibrationEpochStart();
  callbacks.sequentialEpochEnd(allModules(model));
  callbacks.calibrationEpochEnd();
}

export function runBasic(model: Model, options: PipelineOptions = {}): void {
  callbacks.calibrationEpochStart();
  calibrationForward(model, options.calibrationData);
  callbacks.sequentialEpochEnd(allModules(model));
  callbacks.calibrationEpochEnd();
}

export function runSequential(model: Model, options: PipelineOptions = {}): void {
  const propagate = options.propagateError ?? true;
  const subgraphs = sequentialSubgraphs(model);
  callbacks.calibrationEpochStart();
  for (const subgraph of subgraphs) {
    calibrationForward(model, options.calibrationData);
    callbacks.sequentialEpochEnd(subgraph.modules);
    if (propagate) HooksMixin.disableHooks(() => forwardAll(model, options.calibrationData));
  }
  callbacks.calibrationEpochEnd();
}

export function runIndependent(model: Model, options: PipelineOptions = {}): void {
  const recipe = activeSession().lifecycle.recipe;
  const original = recipe.modifiers;
  try {
    for (const modifier of original) {
      recipe.modifiers = [modifier];
      runPipeline(inferPipeline([modifier]), model, options);
    }
  } finally {
    recipe.modifiers = original;
  }
}

export function runPipeline(name: PipelineName, model: Model, options: PipelineOptions = {}): void {
  switch (name) {
    case 'datafree':
      return runDatafree(model);
    case 'basic':
      return runBasic(model, options);
    case 'sequential':
      return runSequential(model, options);
    case 'independent':
      return runIndependent(model, options);
  }
}
