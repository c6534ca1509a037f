/**
 * The error table of the calibration algorithms (issue 11's evidence): FP, RTN, GPTQ, AWQ + RTN, QuIP + RTN and AutoRound
 * at 4-bit weights per output channel, W8A8 with and without SmoothQuant, SparseGPT / Wanda at 2:4, FP8_DYNAMIC, NVFP4 and
 * MXFP4, each run through `oneshot` on a clone with calibration sequences sampled from the float model (seed + 1),
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

/**
 * `lm_head` and, for a group format, the Linears whose input width the group does not divide: compressed-tensors
 * refuses those (GroupDivisibilityError) and its message says to ignore them, as these rows do.
 */
function ignoreFor(model: Model, groupSize: number | null): string[] {
  const ignore = ['lm_head'];
  if (groupSize === null) return ignore;
  for (const [name, m] of model.namedModules()) {
    if (m.kind === 'linear' && name !== 'lm_head' && m.weight.shape[1] % groupSize !== 0) ignore.push(name);
  }
  return ignore;
}

const preset = (scheme: string, groupSize: number | null) => (model: Model) => [new QuantizationModifier({ scheme, ignore: ignoreFor(model, groupSize) })];

/** Row label → the recipe it runs on `model` (fresh modifiers each call). */
export const ALGORITHM_ROWS: Readonly<Record<string, (model: Model) => Modifier[]>> = {
  'RTN W4 (channel)': () => [new QuantizationModifier(W4_CHANNEL)],
  'GPTQ W4 (channel)': () => [new GPTQModifier(W4_CHANNEL)],
  'AWQ + RTN W4 (channel)': () => [new AWQModifier(), new QuantizationModifier(W4_CHANNEL)],
  'QuIP + RTN W4 (channel)': () => [new QuIPModifier(), new QuantizationModifier(W4_CHANNEL)],
  'AutoRound W4 (channel)': () => [new AutoRoundModifier(W4_CHANNEL)],
  'RTN W8A8': preset('W8A8', null),
  'SmoothQuant 0.8 + W8A8': (model) => [new SmoothQuantModifier({ smoothing_strength: 0.8 }), ...preset('W8A8', null)(model)],
  'SparseGPT 2:4': () => [new SparseGPTModifier({ sparsity: 0.5, mask_structure: '2:4', ignore: ['lm_head'] })],
  'Wanda 2:4': () => [new WandaPruningModifier({ sparsity: 0.5, mask_structure: '2:4', ignore: ['lm_head'] })],
  FP8_DYNAMIC: preset('FP8_DYNAMIC', null),
  NVFP4: preset('NVFP4', 16),
  MXFP4: preset('MXFP4', 32),
};

export interface AlgorithmTableOptions {
  samples?: number;
  sampleLength?: number;
  calibrationSamples?: number;
  seed?: number;
  rows?: readonly string[];
  /** Called before each row's one-shot run. */
  onRun?: (label: string) => void;
}

export interface AlgorithmTable {
  rows: ErrorTableRow[];
  /** Row label → Linears a group format left in float because the group does not divide their width. */
  leftInFloat: Record<string, string[]>;
  warnings: string[];
}

export function computeAlgorithmTable(model: Model, options: AlgorithmTableOptions = {}): AlgorithmTable {
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
    const leftInFloat: Record<string, string[]> = {};
    for (const label of options.rows ?? Object.keys(ALGORITHM_ROWS)) {
      options.onRun?.(label);
      const clone = model.clone();
      const recipe = ALGORITHM_ROWS[label](clone);
      const ignored = recipe.flatMap((m) => (m instanceof QuantizationModifier ? m.ignore.filter((n) => n !== 'lm_head') : []));
      if (ignored.length > 0) leftInFloat[label] = ignored;
      createSession(() => oneshot({ model: clone, recipe, calibrationData: calibration, seed }));
      rows.push({ label, ...compare(reference, logits(clone), sequences, model.config.vocabSize) });
    }
    return { rows, leftInFloat, warnings };
  } finally {
    setWarningSink(previous);
  }
}
