/** src/model: the Llama-style model: module tree, forward pass, loaders and the synthetic default. */
export { Model } from './model.ts';
export { Linear, LlamaAttention } from './modules.ts';
export type { Module } from './modules.ts';
export { getHeadDim } from './config.ts';
export type { ModelConfig } from './config.ts';
export { loadModel, saveSafetensors } from './load/index.ts';
export { createSyntheticModel, syntheticOutlierChannels } from './synthetic.ts';
export { generateGreedy } from './generate.ts';
export { builtinModelPath } from './builtinModels.ts';
export type { BuiltinModelName } from './builtinModels.ts';
