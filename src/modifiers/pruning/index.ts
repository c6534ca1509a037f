export { MagnitudePruningModifier } from './magnitude.ts';
export { ConstantPruningModifier } from './constant.ts';
