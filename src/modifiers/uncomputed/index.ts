/** 0.12 modifiers registered with their lifecycle and fields but without their math (each warns). */
export { UncomputedModifier, notComputed } from './base.ts';
export { QuIPModifier } from './quip.ts';
export { IMatrixGatherer } from './imatrix.ts';
export { AutoRoundModifier, AUTOROUND_NOT_COMPUTED } from './autoround.ts';
export { OutputDistillationModifier, RemovedModifierError, OUTPUT_DISTILLATION_REMOVED } from './removed.ts';
