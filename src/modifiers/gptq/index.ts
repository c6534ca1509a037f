/** GPTQ: the modifier (its math is tensor/kernels/gptq.ts). */
export { GPTQModifier } from './base.ts';
