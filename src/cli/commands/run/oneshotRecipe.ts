/**
 * Recognising a one-shot recipe before a training run: a modifier without `start` never starts in
 * training (`should_start` is false for `start: None`); upstream's `oneshot` gives every modifier
 * `start: -1`. A recipe where no modifier has a start is one-shot (e.g. examples/spinquant.yaml).
 */
import { Recipe } from '../../../recipe/recipe.ts';
import type { Fidelity } from '../../../core/fidelity.ts';

export interface OneShotCheck {
  /** Class names of the modifiers without `start`. */
  names: string[];
  /** True when the recipe has modifiers and none has a `start`. */
  all: boolean;
}

export function oneShotModifiers(recipe: string, fidelity: Fidelity): OneShotCheck {
  const modifiers = Recipe.createInstance(recipe, { fidelity }).modifiers;
  const names = modifiers.filter((m) => m.start === null).map((m) => m.constructor.name);
  return { names, all: modifiers.length > 0 && names.length === modifiers.length };
}
