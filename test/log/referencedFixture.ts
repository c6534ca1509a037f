/**
 * A training journal and a one-shot journal whose model is the training journal's final model (a header's
 * `model.journal`), written side by side in a directory, as the tour writes out/run.llog and out/oneshot.llog.
 */
import { join } from 'node:path';
import { createSession } from '../../src/lifecycle/session.ts';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import type { Model } from '../../src/model/model.ts';
import { simulateTraining } from '../../src/sim/training.ts';
import { journalReference, recordOneshot, recordTo, type HeaderInput } from '../../src/log/index.ts';
import { RECIPE, smallHeader } from './fixture.ts';

export const ONESHOT_RECIPE = `quant_stage:
  quant_modifiers:
    QuantizationModifier:
      targets: [Linear]
      scheme: W8A8
      ignore: [lm_head]
`;

export interface Pair {
  training: string;
  oneshot: string;
  /** The model after training (the one-shot run's starting model), before the one-shot run. */
  trained: Model;
  /** The model after the one-shot run. */
  compressed: Model;
}

/**
 * Records `training.llog` (a small pruning run) then `oneshot.llog` on its final model in `dir`. With
 * `optimizerSeed` differing from the header's seed, the training journal is whole but its replay diverges
 * at the first optimizer step (the recording's optimizer drew other noise than the header's seed gives).
 */
export function recordPair(dir: string, options: { seed?: number; optimizerSeed?: number } = {}): Pair {
  const seed = options.seed ?? 0;
  const training = join(dir, 'training.llog');
  const oneshot = join(dir, 'oneshot.llog');
  const header = smallHeader(seed);
  const model = header.model!.model;
  const lifecycle = new CompressionLifecycle({ fidelity: 'default' });
  const journal = recordTo(lifecycle, training, header, { force: true });
  try {
    simulateTraining({ lifecycle, recipe: RECIPE, epochs: 3, stepsPerEpoch: 2, model, seed: options.optimizerSeed ?? seed, onOptimizerStep: (g, lr) => journal.optimizerStep(g, lr) });
  } finally {
    journal.close();
  }
  const trained = model.clone();
  const oneshotHeader: HeaderInput = { recipe: ONESHOT_RECIPE, model: { journal: journalReference(training, dir), model } };
  createSession(() => recordOneshot({ model, recipe: ONESHOT_RECIPE, seed }, oneshot, oneshotHeader, { force: true }));
  return { training, oneshot, trained, compressed: model };
}
