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
import type { PipelineName } from './pipelines/infer.ts';
import { CalibrationSteps, runPipeline, type CalibrationStep } from './pipelines/run.ts';

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
  /** Called around each calibration step (pipeline choice, forwards, subgraph epochs): a journal records each as a call. */
  onCalibrationStep?: CalibrationStep;
}

/** Runs the recipe on `model` through the active session; returns the same model. */
export function oneshot(options: OneshotOptions): Model {
  const { model, recipe, pipeline, calibrationData, seed = 0, recipeStage, recipeArgs, propagateError, onCalibrationStep } = options;
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
  const pipelineOptions = { calibrationData: calibrationData ?? null, propagateError, step: onCalibrationStep };
  const chosen = new CalibrationSteps(model, pipelineOptions).run({ call: 'selectPipeline', pipeline: pipeline ?? null }) as PipelineName;
  runPipeline(chosen, model, pipelineOptions);
  session.finalize();
  return model;
}
