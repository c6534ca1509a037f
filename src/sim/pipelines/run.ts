/**
 * The calibration pipelines' event sequences (lifecycle.md §9.2, ≤ 0.12), on the active session's
 * lifecycle so they are recorded like any run. No pipeline fires BATCH_* or OPTIM_* events.
 * - datafree: CALIBRATION_EPOCH_START; SEQUENTIAL_EPOCH_END(all modules); CALIBRATION_EPOCH_END.
 * - basic: start; a forward of every batch; SEQUENTIAL_EPOCH_END(all modules); end.
 * - sequential: subgraphs first; start; per subgraph: a forward of every batch, SEQUENTIAL_EPOCH_END(its
 *   modules), then (error propagation) a second forward inside `HooksMixin.disableHooks()`; end.
 * - independent: per modifier, `recipe.modifiers = [modifier]` and its own inferred pipeline; restored after.
 *
 * The steps between the epoch start and end are `CalibrationCall`s (calls.ts), applied through
 * `PipelineOptions.step` so a journal can bracket each one as a call its replay re-applies.
 *
 * Our forward runs the whole model (there is no per-layer entry point); hooks see the same activations a
 * subgraph forward would, since earlier subgraphs are already calibrated.
 */
import { callbacks } from '../../lifecycle/callbacks.ts';
import { activeSession } from '../../lifecycle/session.ts';
import type { Model } from '../../model/model.ts';
import { sequentialSubgraphs } from './subgraphs.ts';
import { inferPipeline, type PipelineName } from './infer.ts';
import { applyCalibrationCall, type CalibrationCall, type CalibrationContext } from './calls.ts';

/** Wraps each calibration step (`apply` runs it); a journal records the step as one call. */
export type CalibrationStep = (call: CalibrationCall, apply: () => void) => void;

export interface PipelineOptions {
  /** Token sequences; each is one batch. */
  calibrationData?: readonly (readonly number[])[] | null;
  /** Sequential only: the second, hooks-disabled forward that feeds the next subgraph (default true). */
  propagateError?: boolean;
  /** Called around every calibration step (default: just runs it). */
  step?: CalibrationStep;
}

/** Runs calibration steps in a context, each through the options' `step` wrapper. */
export class CalibrationSteps {
  readonly #ctx: CalibrationContext;
  readonly #step: CalibrationStep;
  constructor(model: Model, options: PipelineOptions) {
    this.#ctx = { lifecycle: activeSession().lifecycle, model, data: options.calibrationData ?? null };
    this.#step = options.step ?? ((_c, apply) => apply());
  }
  get batches(): number {
    return this.#ctx.data?.length ?? 0;
  }
  run(c: CalibrationCall): ReturnType<typeof applyCalibrationCall> {
    let out: ReturnType<typeof applyCalibrationCall>;
    this.#step(c, () => {
      out = applyCalibrationCall(c, this.#ctx);
    });
    return out;
  }
  /** A calibration forward of every batch (state.currentBatchIdx set to each batch's index), or the propagation forward. */
  forwardAll(hooks: boolean): void {
    for (let batch = 0; batch < this.batches; batch++) this.run({ call: 'calibrationForward', batch, hooks });
  }
}

export function runDatafree(model: Model, options: PipelineOptions = {}): void {
  const steps = new CalibrationSteps(model, options);
  callbacks.calibrationEpochStart();
  steps.run({ call: 'sequentialEpochEnd', subgraph: null });
  callbacks.calibrationEpochEnd();
}

export function runBasic(model: Model, options: PipelineOptions = {}): void {
  const steps = new CalibrationSteps(model, options);
  callbacks.calibrationEpochStart();
  steps.forwardAll(true);
  steps.run({ call: 'sequentialEpochEnd', subgraph: null });
  callbacks.calibrationEpochEnd();
}

export function runSequential(model: Model, options: PipelineOptions = {}): void {
  const steps = new CalibrationSteps(model, options);
  const propagate = options.propagateError ?? true;
  const subgraphs = sequentialSubgraphs(model).length;
  callbacks.calibrationEpochStart();
  for (let subgraph = 0; subgraph < subgraphs; subgraph++) {
    steps.forwardAll(true);
    steps.run({ call: 'sequentialEpochEnd', subgraph });
    if (propagate) steps.forwardAll(false);
  }
  callbacks.calibrationEpochEnd();
}

export function runIndependent(model: Model, options: PipelineOptions = {}): void {
  const steps = new CalibrationSteps(model, options);
  const original = activeSession().lifecycle.recipe.modifiers;
  try {
    original.forEach((modifier, i) => {
      steps.run({ call: 'independentScope', modifier: i });
      runPipeline(inferPipeline([modifier]), model, options);
    });
  } finally {
    steps.run({ call: 'independentScope', modifier: null });
  }
}

export function runPipeline(name: PipelineName, model: Model, options: PipelineOptions = {}): void {
  switch (name) {
    case 'datafree':
      return runDatafree(model, options);
    case 'basic':
      return runBasic(model, options);
    case 'sequential':
      return runSequential(model, options);
    case 'independent':
      return runIndependent(model, options);
  }
}
