/** Transform errors (spinquant.md §12, T13–T15) and the Python rendering of module classes in them. */
import { NotImplementedError, ValueError } from '../../core/errors.ts';
import type { Module } from '../../model/modules.ts';

/** `{class}` the Python way: `<class 'torch.nn.modules.linear.Linear'>`, `<class 'torch.nn.modules.sparse.Embedding'>`, else `<class 'Name'>`. */
export function pyClass(module: Pick<Module, 'className'> | string): string {
  const name = typeof module === 'string' ? module : module.className;
  if (name === 'Linear') return "<class 'torch.nn.modules.linear.Linear'>";
  if (name === 'Embedding') return "<class 'torch.nn.modules.sparse.Embedding'>";
  return `<class '${name}'>`;
}

/** T13 */
export class TransformNeedsHeadDimError extends NotImplementedError {
  readonly code = 'T13';
  constructor(readonly module: Module) {
    super(`Transforms on ${pyClass(module)} are not supported without head_dim`);
  }
}

/** T14 (a second line, ours, may name the module and the options that work). */
export class HeadDimDivisionError extends ValueError {
  readonly code = 'T14';
  constructor(readonly headDim: number, readonly size: number, readonly module: Module, readonly location: string, detail = '') {
    super(`${headDim} must divide ${size} for ${pyClass(module)} at ${location}${detail ? `\n${detail}` : ''}`);
  }
}

/** T15 */
export class UnsupportedTransformLocationError extends NotImplementedError {
  readonly code = 'T15';
  constructor(readonly module: Module, readonly location: string) {
    super(`Applying transforms to ${pyClass(module)} ${location} is not supported`);
  }
}

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
export class UnknownTransformTypeError extends ValueError {
  constructor(readonly transformType: string) {
    super(`Unknown transform type '${transformType}': expected 'hadamard', 'random-hadamard' or 'random-matrix'`);
  }
}
