/** SpinQuant's messages (spinquant.md §12: T4, T7, T8, T11, T20; T2/T3 are field errors in the E30 layout). */
import { NotImplementedError, ValueError, specError } from '../../core/errors.ts';
import type { Module } from '../../model/modules.ts';
import { pyClass } from '../../compressed-tensors/transform/errors.ts';

/** T2's text (field `rotations.{i}`). */
export const ROTATION_CHOICES = "Input should be 'R1', 'R2', 'R3' or 'R4'";
/** T3's text (field `transform_type`). */
export const TRANSFORM_TYPE_CHOICES = "Input should be 'hadamard', 'random-hadamard' or 'random-matrix'";

/** T4 (S10): raised by the field validator itself, so not wrapped in a validation error. */
export class NotSupportedAsOfNowError extends specError(NotImplementedError, 'T4', (field: string) => `${field} is not supported as of now`, 'field') {}

/** T7 (ours) */
export class MappingsRequiredError extends specError(
  ValueError,
  'T7',
  () => 'SpinQuantModifier needs mappings and norm_mappings to center embeddings and fuse norms when transform_config is given',
) {}

/** T8 */
export class CannotFuseNormError extends specError(ValueError, 'T8', (module: Module) => `Cannot fuse norm of type ${pyClass(module)}`, 'module') {}

/** T11 (ours) */
export class NormCountError extends specError(
  ValueError,
  'T11',
  (count: number, norm: string) => `Expected exactly one norm per norm-mapping set, found ${count} for ${norm}`,
  'count',
  'norm',
) {}

/** T20 (ours): the centring drift warning. */
export function centeringChangedOutputs(maxAbs: number, mse: number): string {
  return (
    `center_embeddings changed the model's outputs (max |Δlogit| ${fmt(maxAbs)}, MSE ${fmt(mse)}): centering is not ` +
    'output-invariant for RMSNorm models; set center_embeddings: false to keep outputs unchanged'
  );
}

/** Four significant digits, JavaScript's shortest form (`0.01234`, `1.234e-7`). */
export function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}
