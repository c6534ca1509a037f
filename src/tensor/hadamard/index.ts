export type { SignMatrix } from './signMatrix.ts';
export { isHadamard, kronecker, toDense, transposeSign } from './signMatrix.ts';
export { sylvester, isPowerOfTwo, isSylvester } from './sylvester.ts';
export { paleyI, paleyII } from './paley.ts';
export { williamson, WILLIAMSON_ROWS, GOETHALS_SEIDEL_ROWS } from './williamson.ts';
export { goethalsSeidel } from './goethalsSeidel.ts';
export { galoisField, primePower, type GaloisField } from './galoisField.ts';
export { hadamardOfOrder, hadamardMethod, type HadamardMethod } from './order.ts';
export { randomHadamardBlock } from './divisor.ts';
export { deterministicHadamard, checkDeterministicSize } from './deterministic.ts';
export { randomHadamard, sylvesterFactor, hadamardFactorDense, type HadamardFactor } from './randomHadamard.ts';
export {
  NonPositiveHadamardError,
  NonPowerOfTwoHadamardError,
  RandomHadamardSizeError,
  HadamardOrderError,
  UnsupportedBlockSizeError,
  unsupportedBlockSizeMessage,
} from './errors.ts';
