/**
 * The built-in modifiers, registered with the factory (ModifierFactory.refresh scans them). Recipes
 * import this module, so any program that parses a recipe can name a built-in.
 */
import { registerBuiltinModule } from './factory.ts';
import { SpinQuantModifier } from './spinquant/base.ts';
import { QuantizationModifier } from './quantization/base.ts';
import { ConstantPruningModifier, MagnitudePruningModifier } from './pruning/index.ts';
import './probe.ts'; // ProbeModifier, in the experimental registry (verify)
import { GPTQModifier } from './gptq/index.ts';
import { SparseGPTModifier } from './sparsegpt/index.ts';
import { WandaPruningModifier } from './wanda/index.ts';
import { LogarithmicEqualizationModifier, SmoothQuantModifier } from './smoothquant/index.ts';
import { AWQModifier } from './awq/index.ts';
import { OutputDistillationModifier } from './removed/index.ts';
import { IMatrixGatherer } from './quantization/imatrixGatherer.ts';
import { QuIPModifier } from './quip/index.ts';
import { AutoRoundModifier } from './autoround/index.ts';

registerBuiltinModule(() => ({
  SpinQuantModifier, QuantizationModifier, MagnitudePruningModifier, ConstantPruningModifier, GPTQModifier,
  SparseGPTModifier, WandaPruningModifier, SmoothQuantModifier, LogarithmicEqualizationModifier,
  AWQModifier, QuIPModifier, IMatrixGatherer, AutoRoundModifier, OutputDistillationModifier,
}));
