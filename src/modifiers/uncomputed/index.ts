/** 0.12 modifiers registered with their lifecycle and fields but without their math (each warns). */
export { IMatrixGatherer } from './imatrix.ts';
export { OutputDistillationModifier } from './removed.ts';
