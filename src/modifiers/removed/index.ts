/** Modifiers older recipes name that LLM Compressor 0.12 no longer has: each fails with an error naming the versions. */
export { OutputDistillationModifier } from './outputDistillation.ts';
