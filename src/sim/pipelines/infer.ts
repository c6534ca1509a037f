/**
 * Pipeline selection (lifecycle.md §9.3, ≤ 0.12): `sequential` when a modifier needs calibration data,
 * else `datafree`; `basic` is never inferred; a user `independent` is also the inferred value. A user
 * choice that differs from the inferred one gets warning W3 and is used.
 */
import { ValueError } from '../../core/errors.ts';
import type { Modifier } from '../../modifiers/modifier.ts';

export type PipelineName = 'datafree' | 'basic' | 'sequential' | 'independent';
export const PIPELINES: readonly PipelineName[] = ['datafree', 'basic', 'sequential', 'independent'];

/** Modifier classes that always calibrate sequentially. */
export const SEQUENTIAL_MODIFIERS = [
  'SmoothQuantModifier', 'WandaPruningModifier', 'SparseGPTModifier', 'GPTQModifier', 'AWQModifier', 'AutoRoundModifier',
  'IMatrixGatherer',
] as const;

/** W3 */
export const pipelineMismatch = (user: string, inferred: string) =>
  `Calibration pipeline is set to \`${user}\`, but it is recommended to use \`${inferred}\``;

/** Ours: a pipeline name that is none of ours. */
export class UnknownPipelineError extends ValueError {
  constructor(readonly pipeline: string) {
    super(`Unknown calibration pipeline '${pipeline}'; expected one of ${PIPELINES.join(', ')}`);
  }
}

/** Lower case; `_` and spaces become `-` (upstream `standardize_lookup_name`). */
export function normalizePipelineName(name: string): string {
  return name.toLowerCase().replace(/[_ ]/g, '-');
}

function needsCalibration(m: Modifier): boolean {
  const cls = m.constructor.name;
  if ((SEQUENTIAL_MODIFIERS as readonly string[]).includes(cls)) return true;
  const q = m as { needsCalibrationData?: () => boolean };
  return isQuantizationModifier(m) && typeof q.needsCalibrationData === 'function' && q.needsCalibrationData();
}

/** `isinstance(modifier, QuantizationModifier)`: the class or a subclass, by the prototype chain's names. */
function isQuantizationModifier(m: Modifier): boolean {
  for (let p = Object.getPrototypeOf(m); p && p.constructor !== Object; p = Object.getPrototypeOf(p)) {
    if (p.constructor.name === 'QuantizationModifier') return true;
  }
  return false;
}

/** The pipeline upstream would infer for these modifiers and the user's choice. */
export function inferPipeline(modifiers: readonly Modifier[], user?: string | null): PipelineName {
  if (user && normalizePipelineName(user) === 'independent') return 'independent';
  return modifiers.some(needsCalibration) ? 'sequential' : 'datafree';
}

/**
 * The pipeline to run: the user's (after W3 if it differs from the inferred one), else the inferred one.
 * @throws {UnknownPipelineError} for a name that is no pipeline.
 */
export function selectPipeline(modifiers: readonly Modifier[], user: string | null | undefined, warn: (message: string) => void): PipelineName {
  const inferred = inferPipeline(modifiers, user);
  if (!user) return inferred;
  const name = normalizePipelineName(user);
  if (!(PIPELINES as readonly string[]).includes(name)) throw new UnknownPipelineError(user);
  if (name !== inferred) warn(pipelineMismatch(name, inferred));
  return name as PipelineName;
}
