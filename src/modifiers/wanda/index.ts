/** Wanda pruning. */
export { WandaPruningModifier } from './base.ts';
