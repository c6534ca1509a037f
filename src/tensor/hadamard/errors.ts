import { ValueError, specError } from '../../core/errors.ts';

/** T16: `Cannot construct deterministic hadamard of size <= 0`. */
export class NonPositiveHadamardError extends specError(ValueError, null, () => 'Cannot construct deterministic hadamard of size <= 0') {}

/** T12: `Cannot construct deterministic hadamard of size != 2^n`. */
export class NonPowerOfTwoHadamardError extends specError(ValueError, null, () => 'Cannot construct deterministic hadamard of size != 2^n') {}

/** T17: `Cannot construct random hadamard matrix of size {n}`. */
export class RandomHadamardSizeError extends specError(ValueError, null, (size: number) => `Cannot construct random hadamard matrix of size ${size}`, 'size') {}

/** No construction is implemented for this Hadamard order. */
export class HadamardOrderError extends specError(
  ValueError,
  null,
  (order: number) =>
    `Cannot construct a Hadamard matrix of order ${order}: every order that is 1, 2 or a multiple of 4 up to 256 is ` +
    `supported, and larger orders built from Sylvester, Paley I/II or a doubling of a supported order`,
  'order',
) {}

/**
 * A block size the chosen transform type cannot use. Names the size and the options that work: a
 * power-of-two `transformBlockSize` dividing the dimension, `random-hadamard` where the divisor rule has a K,
 * or `'random-matrix'` (any size).
 */
export class UnsupportedBlockSizeError extends specError(ValueError, null, unsupportedBlockSizeMessage, 'size', 'transformType', 'dimension') {}

export function unsupportedBlockSizeMessage(size: number, transformType: string, dimension?: number): string {
  const dim = dimension ?? size;
  const pow2: number[] = [];
  for (let b = 1; b <= dim; b *= 2) if (dim % b === 0) pow2.push(b);
  const pow2Text = pow2.length ? pow2.filter((b) => b > 1).join(', ') || '1' : 'none';
  return (
    `transform_type '${transformType}' cannot build a matrix of size ${size}` +
    (dimension !== undefined && dimension !== size ? ` (dimension ${dimension})` : '') +
    `: set transformBlockSize to a power of two dividing ${dim} (${pow2Text}), or use transformType 'random-matrix', ` +
    `which accepts any size`
  );
}
