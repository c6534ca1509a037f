/** src/model: the Llama-style model: module tree, forward pass, loaders and the synthetic default. */
export { Model } from './model.ts';
export type { Decoder } from './forward/decoder.ts';
export {
  Linear, Embedding, LlamaRMSNorm, LlamaAttention, Container, SiLU, LlamaRotaryEmbedding, OtherModule,
} from './modules.ts';
export type {
  Module, ModuleKind, RemovableHandle, HookAddOptions, LinearPreHook, LinearForwardHook, AttentionStateHook,
} from './modules.ts';
export { getHeadDim } from './config.ts';
export type { ModelConfig, RopeStyle } from './config.ts';
export { loadModel, saveSafetensors } from './load/index.ts';
export { createSyntheticModel, syntheticOutlierChannels } from './synthetic.ts';
export type { SyntheticModelOptions } from './synthetic.ts';
export { generateGreedy } from './generate.ts';
export { builtinModelPath, BUILTIN_MODELS, isBuiltinModelName } from './builtinModels.ts';
export type { BuiltinModelName } from './builtinModels.ts';
