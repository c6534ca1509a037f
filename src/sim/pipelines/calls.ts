/**
 * A calibration pipeline's steps that are not lifecycle calls, as data (like `LifecycleCall`): the
 * choice of pipeline (its W3 warning), each calibration forward, each SEQUENTIAL_EPOCH_END with the
 * modules of a subgraph, and the independent pipeline's narrowing of the recipe to one modifier. A
 * step names a batch or a subgraph, never the data or the modules, so a journal can hold it and a
 * replay re-derives both from its own lifecycle and model. `runPipeline` and a replay apply steps
 * through the one function here.
 */
import { EventType } from '../../core/events.ts';
import type { CompressionLifecycle } from '../../lifecycle/lifecycle.ts';
import { Model } from '../../model/model.ts';
import { HooksMixin } from '../../model/hooksMixin.ts';
import type { Modifier } from '../../modifiers/modifier.ts';
import type { Recipe } from '../../recipe/recipe.ts';
import { selectPipeline, type PipelineName } from './infer.ts';
import { allModules, sequentialSubgraphs } from './subgraphs.ts';

export type CalibrationCall =
  /** Chooses the pipeline for the user's request (null: inferred), warning W3 when it differs from the inferred one. */
  | { call: 'selectPipeline'; pipeline: string | null }
  /** A forward of calibration batch `batch`; `hooks: false` is sequential's propagation forward (hooks disabled, no batch index). */
  | { call: 'calibrationForward'; batch: number; hooks: boolean }
  /** SEQUENTIAL_EPOCH_END with the modules of sequential subgraph `subgraph`, or every module (null). */
  | { call: 'sequentialEpochEnd'; subgraph: number | null }
  /** The independent pipeline runs modifier `modifier` alone (`recipe.modifiers = [it]`); null restores them all. */
  | { call: 'independentScope'; modifier: number | null };

export const CALIBRATION_CALLS: ReadonlySet<string> = new Set(['selectPipeline', 'calibrationForward', 'sequentialEpochEnd', 'independentScope']);

/** True for the calls this file applies (a journal's other calls are lifecycle calls or optimizer steps). */
export const isCalibrationCall = (c: { call: string }): c is CalibrationCall => CALIBRATION_CALLS.has(c.call);

/** What a step acts on: the lifecycle, its model and the calibration batches. */
export interface CalibrationContext {
  lifecycle: CompressionLifecycle;
  model: Model;
  data: readonly (readonly number[])[] | null;
}

/** A replay's context: the model and calibration data the lifecycle's State holds (from its initialize call). */
export function calibrationContext(lifecycle: CompressionLifecycle): CalibrationContext {
  const model = lifecycle.state.model;
  if (!(model instanceof Model)) throw new TypeError('a calibration step needs an initialized lifecycle with a model');
  const data = lifecycle.state.data.calib;
  return { lifecycle, model, data: Array.isArray(data) ? (data as number[][]) : null };
}

/** The modifiers a recipe held before the independent pipeline narrowed it. */
const FULL_RECIPE = new WeakMap<Recipe, Modifier[]>();

/**
 * Applies one step. Events go to the lifecycle with the options a session's callback gives them
 * (`batchData` and `loss` null). Returns the chosen pipeline for `selectPipeline`.
 */
export function applyCalibrationCall(c: CalibrationCall, ctx: CalibrationContext): PipelineName | undefined {
  const { lifecycle, model } = ctx;
  switch (c.call) {
    case 'selectPipeline':
      return selectPipeline(lifecycle.recipe.modifiers, c.pipeline, (message) => lifecycle.recordWarning('W3', message));
    case 'calibrationForward': {
      const batch = ctx.data?.[c.batch];
      if (!batch) throw new RangeError(`calibration batch ${c.batch} does not exist (${ctx.data?.length ?? 0} batches)`);
      if (!c.hooks) {
        if (batch.length > 0) HooksMixin.disableHooks(() => model.forward(batch));
        return undefined;
      }
      lifecycle.updateState({ currentBatchIdx: c.batch });
      if (batch.length > 0) model.forward(batch);
      return undefined;
    }
    case 'sequentialEpochEnd': {
      const modules = c.subgraph === null ? allModules(model) : sequentialSubgraphs(model)[c.subgraph]?.modules;
      if (!modules) throw new RangeError(`sequential subgraph ${c.subgraph} does not exist`);
      lifecycle.event(EventType.SEQUENTIAL_EPOCH_END, { modules, batchData: null, loss: null });
      return undefined;
    }
    case 'independentScope': {
      const recipe = lifecycle.recipe;
      if (!FULL_RECIPE.has(recipe)) FULL_RECIPE.set(recipe, recipe.modifiers);
      const full = FULL_RECIPE.get(recipe) as Modifier[];
      if (c.modifier === null) {
        recipe.modifiers = full;
        FULL_RECIPE.delete(recipe);
      } else {
        const m = full[c.modifier];
        if (!m) throw new RangeError(`recipe modifier ${c.modifier} does not exist`);
        recipe.modifiers = [m];
      }
      return undefined;
    }
  }
}
