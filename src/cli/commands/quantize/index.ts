/**
 * `llmc-sim quantize`: how far RTN quantization moves a model's outputs, alone and after SpinQuant
 * rotations — logit MSE, KL divergence and perplexity on text sampled from the float model — plus
 * the invariance drift of the rotations alone, with and without embedding centring.
 */
import type { Model } from '../../../model/model.ts';
import { getHeadDim } from '../../../model/config.ts';
import { computeErrorTable, formatErrorTable } from '../../../eval/errorTable.ts';
import type { QuantizationModifierArgs } from '../../../modifiers/quantization/base.ts';
import type { SpinQuantModifierArgs } from '../../../modifiers/spinquant/base.ts';
import { UsageError } from '../../errors.ts';
import { checkQuantizePlan } from '../../bounds.ts';
import { loadCliModel } from '../../models.ts';
import { startProgress } from '../../progress.ts';

export const SCHEMES = ['W4A4', 'W4A16', 'W4A16_ASYM', 'W8A16', 'W8A8', 'INT8', 'int4-channel'] as const;
export const ROTATION_SETS = ['R1+R2', 'R1-R4'] as const;

export interface QuantizeOptions {
  model: string;
  scheme: string;
  rotations: string[];
  transformType: 'auto' | 'hadamard' | 'random-hadamard' | 'random-matrix';
  transformBlockSize?: number;
  samples: number;
  length: number;
  seed: number;
  json?: boolean;
  /** No progress bar on stderr. */
  quiet?: boolean;
}

/** Weight-only int4 per output channel: the 4-bit case that fits every layer width. */
const INT4_CHANNEL = { g: { targets: ['Linear'], weights: { num_bits: 4, type: 'int', strategy: 'channel', symmetric: true } } };

export function quantizationArgs(scheme: string): QuantizationModifierArgs {
  if (scheme === 'int4-channel') return { config_groups: INT4_CHANNEL, ignore: ['lm_head'] };
  return { targets: ['Linear'], scheme, ignore: ['lm_head'] };
}

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/**
 * `auto`: Sylvester Hadamard when every rotated size is a power of two (or a block size is given),
 * else random-hadamard, whose constructions cover sizes like stories260K's 172.
 */
export function chooseTransformType(model: Model, options: Pick<QuantizeOptions, 'transformType' | 'transformBlockSize'>, rotations: readonly string[]): SpinQuantModifierArgs['transformType'] {
  if (options.transformType !== 'auto') return options.transformType;
  if (options.transformBlockSize) return 'hadamard';
  const c = model.config;
  const sizes = [c.hiddenSize, getHeadDim(c)];
  if (rotations.includes('R4')) sizes.push(c.intermediateSize);
  return sizes.every(isPow2) ? 'hadamard' : 'random-hadamard';
}

export function rotationSettings(model: Model, options: QuantizeOptions): Record<string, SpinQuantModifierArgs> {
  const out: Record<string, SpinQuantModifierArgs> = {};
  for (const set of options.rotations) {
    const rotations = set === 'R1-R4' ? ['R1', 'R2', 'R3', 'R4'] : ['R1', 'R2'];
    out[set] = {
      rotations,
      transformType: chooseTransformType(model, options, rotations),
      transformBlockSize: options.transformBlockSize ?? null,
      centerEmbeddings: false,
    };
  }
  return out;
}

export async function quantize(options: QuantizeOptions, out: (line: string) => void, progress: (line: string) => void = () => {}): Promise<void> {
  if (!SCHEMES.includes(options.scheme as never)) throw new UsageError('--scheme', `expected one of ${SCHEMES.join(', ')}, got '${options.scheme}'`);
  for (const r of options.rotations) if (!ROTATION_SETS.includes(r as never)) throw new UsageError('--rotations', `expected ${ROTATION_SETS.join(' and/or ')}, got '${r}'`);
  const { model, label } = await loadCliModel(options.model);
  checkQuantizePlan(options.samples, options.length, model.config.maxPositionEmbeddings);
  const rotations = rotationSettings(model, options);
  const runs = 1 + 3 * options.rotations.length;
  const bar = startProgress({ label: 'quantize', total: runs, unit: 'runs', quiet: options.quiet });
  if (!bar.visible && !options.quiet) progress(`quantizing ${label}: ${runs} one-shot runs on copies of the model…`);
  let table: ReturnType<typeof computeErrorTable>;
  try {
    table = computeErrorTable(model, {
      quantization: quantizationArgs(options.scheme),
      rotations,
      samples: options.samples,
      sampleLength: options.length,
      seed: options.seed,
      onRun: (what) => bar.tick(1, what),
    });
  } finally {
    bar.stop();
  }
  if (options.json) {
    out(JSON.stringify({ model: label, scheme: options.scheme, rotations, ...table }));
    return;
  }
  const c = model.config;
  out(`llmc-sim quantize · ${label} · hidden ${c.hiddenSize}, intermediate ${c.intermediateSize}, ${c.numHiddenLayers} layers, vocab ${c.vocabSize}`);
  out(`scheme ${options.scheme} (RTN, lm_head kept in float) · ${table.sequences.length} sequences × ${options.length} tokens sampled from the float model (seed ${options.seed})`);
  for (const [name, r] of Object.entries(rotations)) {
    out(`${name}: rotations ${(r.rotations as string[]).join(', ')}, ${r.transformType}${r.transformBlockSize ? `, block ${r.transformBlockSize}` : ''}, center_embeddings false`);
  }
  out('');
  out(formatErrorTable(table));
  out('');
  out('Rotations are orthogonal, so without quantization they keep the outputs up to float rounding (the');
  out('"rotations" drift). Embedding centring is NOT output-invariant for RMSNorm models like Llama: it is a');
  out('LayerNorm-model step that SpinQuant applies by default (center_embeddings: true), and the "centring" drift');
  out('above is how much it changes this model on its own. The error rows run with center_embeddings: false.');
  for (const w of table.warnings.filter((w) => !w.startsWith('center_embeddings changed'))) out(`warning: ${w}`);
}
