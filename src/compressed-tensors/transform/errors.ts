/** Transform errors (spinquant.md §12, T13–T15) and the Python rendering of module classes in them. */
import { NotImplementedError, ValueError, specError } from '../../core/errors.ts';
import type { Module } from '../../model/modules.ts';

/** `{class}` the Python way: `<class 'torch.nn.modules.linear.Linear'>`, `<class 'torch.nn.modules.sparse.Embedding'>`, else `<class 'Name'>`. */
export function pyClass(module: Pick<Module, 'className'> | string): string {
  const name = typeof module === 'string' ? module : module.className;
  if (name === 'Linear') return "<class 'torch.nn.modules.linear.Linear'>";
  if (name === 'Embedding') return "<class 'torch.nn.modules.sparse.Embedding'>";
  return `<class '${name}'>`;
}

/** T13 */
export class TransformNeedsHeadDimError extends specError(
  NotImplementedError,
  'T13',
  (module: Module) => `Transforms on ${pyClass(module)} are not supported without head_dim`,
  'module',
) {}

/** T14 (a second line, ours, may name the module and the options that work). */
export class HeadDimDivisionError extends specError(
  ValueError,
  'T14',
  (headDim: number, size: number, module: Module, location: string, detail = '') =>
    `${headDim} must divide ${size} for ${pyClass(module)} at ${location}${detail ? `\n${detail}` : ''}`,
  'headDim',
  'size',
  'module',
  'location',
) {}

/** T15 */
export class UnsupportedTransformLocationError extends specError(
  NotImplementedError,
  'T15',
  (module: Module, location: string) => `Applying transforms to ${pyClass(module)} ${location} is not supported`,
  'module',
  'location',
) {}

/**
 * A transform matrix the scheme's type cannot build for this size (T12, T16, T17): the verbatim message on
 * the first line, then (ours) which module asked for it and what would work.
 */
export class TransformSizeError extends ValueError {
  readonly code: string;
  constructor(readonly original: Error, readonly size: number, detail: string) {
    super(`${original.message}${detail ? `\n${detail}` : ''}`);
    this.code = (original as { code?: string }).code ?? original.name;
  }
}

/** Ours: a transform type no factory implements. */
export class UnknownTransformTypeError extends specError(
  ValueError,
  null,
  (transformType: string) => `Unknown transform type '${transformType}': expected 'hadamard', 'random-hadamard' or 'random-matrix'`,
  'transformType',
) {}
