/** SparseGPT and the sparsity modifier base it shares with Wanda. */
export { SparseGPTModifier, type SparseGPTModifierArgs } from './base.ts';
export { SparsityModifierBase, type SparsityModifierArgs } from './sparsityBase.ts';
