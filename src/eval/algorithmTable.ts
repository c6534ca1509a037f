/**
 * The error table of the calibration algorithms (issue 11's evidence): FP, RTN, GPTQ, AWQ + RTN, QuIP + RTN and AutoRound at 4-bit
 * weights per output channel, W8A8 with and without SmoothQuant, SparseGPT / Wanda / magnitude at 2:4, and FP8_DYNAMIC,
 * each run through `oneshot` on a clone with calibration sequences sampled from the float model (seed + 1),
 * measured on evaluation sequences sampled with `seed` (logit MSE, KL, perplexity as in errorTable.ts).
 */
import { createSession } from '../lifecycle/session.ts';
import { setWarningSink } from '../core/logger.ts';
import type { Model } from '../model/model.ts';
import type { Modifier } from '../modifiers/modifier.ts';
import { oneshot } from '../sim/oneshot.ts';
import { QuantizationModifier } from '../modifiers/quantization/base.ts';
import { GPTQModifier } from '../modifiers/gptq/base.ts';
import { AWQModifier } from '../modifiers/awq/base.ts';
import { SmoothQuantModifier } from '../modifiers/smoothquant/base.ts';
import { SparseGPTModifier } from '../modifiers/sparsegpt/base.ts';
import { WandaPruningModifier } from '../modifiers/wanda/base.ts';
import { QuIPModifier } from '../modifiers/quip/base.ts';
import { AutoRoundModifier } from '../modifiers/autoround/base.ts';
import { compare, sampleSequences, type ErrorTableRow } from './errorTable.ts';

const W4_CHANNEL = { config_groups: { g: { targets: ['Linear'], weights: { num_bits: 4, strategy: 'channel' } } }, ignore: ['lm_head'] };

/** Row label → the recipe it runs (fresh modifiers each call). */
export const ALGORITHM_ROWS: Readonly<Record<string, () => Modifier[]>> = {
  'RTN W4 (channel)': () => [new QuantizationModifier(W4_CHANNEL)],
  'GPTQ W4 (channel)': () => [new GPTQModifier(W4_CHANNEL)],
  'AWQ + RTN W4 (channel)': () => [new AWQModifier(), new QuantizationModifier(W4_CHANNEL)],
  'QuIP + RTN W4 (channel)': () => [new QuIPModifier(), new QuantizationModifier(W4_CHANNEL)],
  'AutoRound W4 (channel)': () => [new AutoRoundModifier(W4_CHANNEL)],
  'RTN W8A8': () => [new QuantizationModifier({ scheme: 'W8A8', ignore: ['lm_head'] })],
  'SmoothQuant 0.8 + W8A8': () => [new SmoothQuantModifier({ smoothing_strength: 0.8 }), new QuantizationModifier({ scheme: 'W8A8', ignore: ['lm_head'] })],
  'SparseGPT 2:4': () => [new SparseGPTModifier({ sparsity: 0.5, mask_structure: '2:4', ignore: ['lm_head'] })],
  'Wanda 2:4': () => [new WandaPruningModifier({ sparsity: 0.5, mask_structure: '2:4', ignore: ['lm_head'] })],
  FP8_DYNAMIC: () => [new QuantizationModifier({ scheme: 'FP8_DYNAMIC', ignore: ['lm_head'] })],
};

export interface AlgorithmTableOptions {
  samples?: number;
  sampleLength?: number;
  calibrationSamples?: number;
  seed?: number;
  rows?: readonly string[];
}

export function computeAlgorithmTable(model: Model, options: AlgorithmTableOptions = {}): { rows: ErrorTableRow[]; warnings: string[] } {
  const seed = options.seed ?? 0;
  const warnings: string[] = [];
  const previous = setWarningSink((m) => {
    if (!warnings.includes(m)) warnings.push(m);
  });
  try {
    const sequences = sampleSequences(model, options.samples ?? 4, options.sampleLength ?? 32, seed);
    const calibration = sampleSequences(model, options.calibrationSamples ?? 8, options.sampleLength ?? 32, seed + 1);
    const logits = (m: Model) => sequences.map((s) => Float64Array.from(m.forward(s).data));
    const reference = logits(model);
    const rows: ErrorTableRow[] = [{ label: 'FP', ...compare(reference, reference, sequences, model.config.vocabSize) }];
    for (const label of options.rows ?? Object.keys(ALGORITHM_ROWS)) {
      const clone = model.clone();
      createSession(() => oneshot({ model: clone, recipe: ALGORITHM_ROWS[label](), calibrationData: calibration, seed }));
      rows.push({ label, ...compare(reference, logits(clone), sequences, model.config.vocabSize) });
    }
    return { rows, warnings };
  } finally {
    setWarningSink(previous);
  }
}
