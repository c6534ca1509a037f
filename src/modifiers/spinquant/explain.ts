/**
 * The second line of a size error (T12, T14, T16, T17) when SpinQuant builds the transforms: which module
 * and rotation asked for the matrix, and the options that would work for that dimension.
 */
import { randomHadamardBlock } from '../../tensor/hadamard/divisor.ts';
import type { TransformSite } from '../../compressed-tensors/transform/apply.ts';

function powersOfTwoDividing(n: number): number[] {
  const out: number[] = [];
  for (let b = 2; b <= n; b *= 2) if (n % b === 0) out.push(b);
  return out;
}

export function explainSite(
  site: Pick<TransformSite, 'schemeName' | 'moduleName' | 'location' | 'size' | 'dimension'>,
  transformType: string,
  blockSize: number | null,
): string {
  const { schemeName, moduleName, location, size, dimension } = site;
  const dim = dimension ?? size;
  const where = `${schemeName} at ${moduleName} (${location}, dimension ${dim}, transform size ${size})`;
  const options: string[] = [];
  const usesBlockSize = schemeName === 'R1' || schemeName === 'R4';
  if (usesBlockSize) {
    const p2 = powersOfTwoDividing(dim).filter((b) => b !== blockSize);
    if (p2.length) options.push(`transform_block_size ${p2.join(', ')} (powers of two dividing ${dim})`);
    const k = randomHadamardBlock(dim);
    if (k !== null && transformType !== 'random-hadamard') options.push(`transform_type 'random-hadamard' without a block size (K = ${k})`);
  } else if (transformType !== 'random-hadamard' && randomHadamardBlock(size) !== null) {
    options.push(`transform_type 'random-hadamard' (K = ${randomHadamardBlock(size)})`);
  }
  if (transformType !== 'random-matrix') options.push("transform_type 'random-matrix' (any size; a dense random orthogonal matrix, slower than a Hadamard transform)");
  options.push(`dropping ${schemeName} from rotations`);
  return `  ${where}; options that work: ${options.join('; ')}`;
}
