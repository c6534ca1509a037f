/**
 * `oneshot` (LLM Compressor `entrypoints/oneshot.py`, lifecycle.md §9.1): reset the active session,
 * initialize it with the model and recipe (`start: -1`), run the calibration pipeline (§9.2, chosen per
 * §9.3), finalize, and return the model (changed in place).
 */
import { activeSession } from '../lifecycle/session.ts';
import { ValueError } from '../core/errors.ts';
import type { Model } from '../model/model.ts';
import type { RecipeInput } from '../recipe/recipe.ts';
import '../modifiers/builtins.ts';
import { selectPipeline, type PipelineName } from './pipelines/infer.ts';
import { runPipeline } from './pipelines/run.ts';

export interface OneshotOptions {
  model: Model;
  recipe: RecipeInput;
  /** `datafree`, `basic`, `sequential` or `independent`; inferred when omitted (W3 when it differs). */
  pipeline?: PipelineName | string | null;
  /** Token sequences, one batch each (copied into State as `calibData`). */
  calibrationData?: number[][] | null;
  /** Run seed: random transforms draw from streams split by (seed, modifier position, scheme). */
  seed?: number;
  recipeStage?: string;
  recipeArgs?: Record<string, unknown>;
  /** Sequential pipeline: propagate outputs through a hooks-disabled second forward (default true). */
  propagateError?: boolean;
}

/** Runs the recipe on `model` through the active session; returns the same model. */
export function oneshot(options: OneshotOptions): Model {
  const { model, recipe, pipeline, calibrationData, seed = 0, recipeStage, recipeArgs, propagateError } = options;
  if (!model || typeof (model as Model).forward !== 'function') throw new ValueError('oneshot needs a model (loadModel or createSyntheticModel)');
  const session = activeSession();
  session.reset();
  session.initialize({
    model,
    start: -1,
    recipe,
    calibData: calibrationData ?? null,
    seed,
    ...(recipeStage !== undefined ? { recipeStage } : {}),
    ...(recipeArgs !== undefined ? { recipeArgs } : {}),
  });
  const chosen = selectPipeline(session.lifecycle.recipe.modifiers, pipeline ?? null, (message) => session.lifecycle.recordWarning('W3', message));
  runPipeline(chosen, model, { calibrationData: calibrationData ?? null, propagateError });
  session.finalize();
  return model;
}
