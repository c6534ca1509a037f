/** 0.12 modifiers registered with their lifecycle and fields but without their math (each warns). */
export { QuIPModifier } from './quip.ts';
export { AutoRoundModifier } from './autoround.ts';
export { OutputDistillationModifier } from './removed.ts';
