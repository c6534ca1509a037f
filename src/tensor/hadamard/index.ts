export { isHadamard, toDense } from './signMatrix.ts';
export { isSylvester } from './sylvester.ts';
export { williamson, WILLIAMSON_ROWS, GOETHALS_SEIDEL_ROWS } from './williamson.ts';
export { goethalsSeidel } from './goethalsSeidel.ts';
export { hadamardOfOrder, hadamardMethod } from './order.ts';
export { randomHadamardBlock } from './divisor.ts';
export { deterministicHadamard } from './deterministic.ts';
export { randomHadamard, sylvesterFactor, hadamardFactorDense, type HadamardFactor } from './randomHadamard.ts';
export { HadamardOrderError, UnsupportedBlockSizeError } from './errors.ts';
