/** GPTQ: the modifier (its math is tensor/kernels/gptq.ts). */
export { GPTQModifier, type GPTQModifierArgs } from './base.ts';
export { ActorderConflictError, NothingToQuantizeError } from './errors.ts';
