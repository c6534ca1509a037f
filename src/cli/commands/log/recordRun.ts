/**
 * `run --log FILE`: the journal of a training run. The header gets the recipe text (never its path),
 * the run's settings and the model's identity; the recorder sees the simulated optimizer's steps
 * through `onOptimizerStep`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CompressionLifecycle } from '../../../lifecycle/lifecycle.ts';
import type { Fidelity } from '../../../core/fidelity.ts';
import type { Model } from '../../../model/model.ts';
import { AppendPathError } from '../../../io/appendOnly.ts';
import { recordTo, type Recorder } from '../../../log/index.ts';
import { UsageError } from '../../errors.ts';

export interface RunLogOptions {
  log: string;
  force?: boolean;
  recipePath: string;
  fidelity: Fidelity;
  seed: number;
  epochs: number;
  stepsPerEpoch: number;
  batchesPerStep: number;
  /** The `--model` path, or undefined for the synthetic model. */
  modelPath?: string;
  /** The files the run reads: the journal never overwrites one of them. */
  inputs?: readonly string[];
}

export function openRunLog(lifecycle: CompressionLifecycle, model: Model, o: RunLogOptions): Recorder {
  const source = o.modelPath ? path.basename(o.modelPath) : 'synthetic';
  try {
    return recordTo(
      lifecycle,
      o.log,
      {
        fidelity: o.fidelity,
        seed: o.seed,
        recipe: readFileSync(o.recipePath, 'utf8'),
        settings: { driver: 'training', epochs: o.epochs, stepsPerEpoch: o.stepsPerEpoch, batchesPerStep: o.batchesPerStep },
        model: { source, ...(o.modelPath ? {} : { options: { seed: o.seed } }), model },
      },
      { force: o.force, inputs: o.inputs },
    );
  } catch (e) {
    if (e instanceof AppendPathError) throw new UsageError('--log', e.message);
    throw e;
  }
}
