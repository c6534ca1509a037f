/**
 * The built-in modifiers, registered with the factory (ModifierFactory.refresh scans them). Recipes
 * import this module, so any program that parses a recipe can name a built-in.
 */
import { registerBuiltinModule } from './factory.ts';
import { SpinQuantModifier } from './spinquant/base.ts';
import { QuantizationModifier } from './quantization/base.ts';
import { ConstantPruningModifier, MagnitudePruningModifier } from './pruning/index.ts';
import './probe.ts'; // ProbeModifier, in the experimental registry (verify)

registerBuiltinModule(() => ({ SpinQuantModifier, QuantizationModifier, MagnitudePruningModifier, ConstantPruningModifier }));
