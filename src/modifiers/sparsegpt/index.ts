/** SparseGPT and the sparsity modifier base it shares with Wanda. */
export { SparseGPTModifier } from './base.ts';
