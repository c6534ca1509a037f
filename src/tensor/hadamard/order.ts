import { primePower } from './galoisField.ts';
import { goethalsSeidel } from './goethalsSeidel.ts';
import { HadamardOrderError } from './errors.ts';
import { paleyI, paleyII } from './paley.ts';
import { kronecker, verifiedHadamard, type SignMatrix } from './signMatrix.ts';
import { isPowerOfTwo, sylvester } from './sylvester.ts';
import { GOETHALS_SEIDEL_ROWS, WILLIAMSON_ROWS, williamson } from './williamson.ts';

/** How order K is built (spinquant.md §9 table); `factor` is the small Sylvester factor of a Kronecker product. */
export type HadamardMethod =
  | { kind: 'sylvester' }
  | { kind: 'paley1'; q: number }
  | { kind: 'paley2'; q: number }
  | { kind: 'kronecker'; factor: 2 | 4; rest: number }
  | { kind: 'williamson' }
  | { kind: 'goethals-seidel' };

/** Kronecker orders of the table whose factor is H_4 (the others use H_2). */
const FOUR_TIMES = new Set([112, 176]);
const KRONECKER = new Set([40, 56, 88, 96, 112, 120, 136, 144, 160, 176, 184, 208, 216, 232, 248]);

/** The construction `hadamardOfOrder(order)` uses, or null when none applies. */
export function hadamardMethod(order: number): HadamardMethod | null {
  if (!Number.isInteger(order) || order < 1) return null;
  if (order === 32) return { kind: 'paley1', q: 31 }; // S5: Paley, as the reference
  if (isPowerOfTwo(order)) return { kind: 'sylvester' };
  if (WILLIAMSON_ROWS[order]) return { kind: 'williamson' };
  if (GOETHALS_SEIDEL_ROWS[order]) return { kind: 'goethals-seidel' };
  if (KRONECKER.has(order)) {
    const factor = FOUR_TIMES.has(order) ? 4 : 2;
    return { kind: 'kronecker', factor, rest: order / factor };
  }
  if (order % 4 !== 0) return null;
  const q1 = primePower(order - 1);
  if (q1 && (order - 1) % 4 === 3) return { kind: 'paley1', q: order - 1 };
  const q2 = primePower(order / 2 - 1);
  if (q2 && (order / 2 - 1) % 4 === 1) return { kind: 'paley2', q: order / 2 - 1 };
  if (hadamardMethod(order / 2)) return { kind: 'kronecker', factor: 2, rest: order / 2 };
  return null;
}

const cache = new Map<number, SignMatrix>();

/**
 * A Hadamard matrix of order `order`, by the method of spinquant.md §9's table (1, 2, 4, 8, 16, 64, 128, 256
 * Sylvester; 32 Paley I; …). Verified exactly (`H·Hᵀ = n·I` in integers) when first built, then cached:
 * callers must not mutate the returned data.
 * @throws {HadamardOrderError} when no construction applies.
 */
export function hadamardOfOrder(order: number): SignMatrix {
  const hit = cache.get(order);
  if (hit) return hit;
  const method = hadamardMethod(order);
  if (!method) throw new HadamardOrderError(order);
  let h: SignMatrix;
  switch (method.kind) {
    case 'sylvester':
      h = sylvester(order);
      break;
    case 'paley1':
      h = paleyI(method.q);
      break;
    case 'paley2':
      h = paleyII(method.q);
      break;
    case 'kronecker':
      h = kronecker(sylvester(method.factor), hadamardOfOrder(method.rest));
      break;
    case 'williamson':
      h = williamson(order);
      break;
    case 'goethals-seidel':
      h = goethalsSeidel(order);
      break;
  }
  verifiedHadamard(h, `${method.kind} construction`);
  cache.set(order, h);
  return h;
}
