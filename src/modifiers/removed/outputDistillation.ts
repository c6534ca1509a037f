/**
 * Modifiers older recipes name that LLM Compressor 0.12 no longer has: registered only to fail with an error
 * that says which versions had them and what 0.12 expects, instead of "no modifier named …".
 */
import { ValueError } from '../../core/errors.ts';
import type { State } from '../../core/state.ts';
import { Modifier, type Kwargs, type ModifierArgs } from '../modifier.ts';

/** Ours: a modifier an older LLM Compressor had. */
export class RemovedModifierError extends ValueError {
  constructor(readonly modifier: string, detail: string) {
    super(`${modifier} ${detail}`);
  }
}

export const OUTPUT_DISTILLATION_REMOVED =
  'was part of LLM Compressor 0.3–0.8 (modifiers/distillation/output) and was removed in 0.9; 0.12 has no distillation ' +
  'modifier, so a 0.12 recipe cannot name it: remove it (or run the recipe with LLM Compressor ≤ 0.8)';

export class OutputDistillationModifier extends Modifier {
  constructor(_args: ModifierArgs & Record<string, unknown> = {}) {
    super({});
    throw new RemovedModifierError('OutputDistillationModifier', OUTPUT_DISTILLATION_REMOVED);
  }

  protected override onInitialize(_state: State, _kwargs: Kwargs): boolean {
    return false;
  }
}
