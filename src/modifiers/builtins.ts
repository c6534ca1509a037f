/** Registers SpinQuantModifier and QuantizationModifier as built-ins (ModifierFactory.refresh scans them). */
import { registerBuiltinModule } from './factory.ts';
import { SpinQuantModifier } from './spinquant/base.ts';
import { QuantizationModifier } from './quantization/base.ts';

registerBuiltinModule(() => ({ SpinQuantModifier, QuantizationModifier }));
