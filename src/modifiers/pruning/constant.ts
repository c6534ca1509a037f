/**
 * ConstantPruningModifier (upstream `modifiers/pruning/constant`): from `start` it holds every
 * target's current zeros at zero after each optimizer step, so a model pruned earlier (by a
 * one-shot or magnitude stage) stays sparse while it trains.
 */
import type { Event } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import { asBool, asStringList, field } from '../../core/fields.ts';
import { Modifier, type Kwargs } from '../modifier.ts';
import { HeldMasks } from './heldMasks.ts';
import { zeroMask } from './masks.ts';
import { targetLinears } from './targets.ts';
import type { Restorable, SavedModifierState } from '../restorable.ts';

export class ConstantPruningModifier extends Modifier implements Restorable {
  static override readonly fields = [
    ...Modifier.fields,
    field('targets', 'targets', ['re:.*_proj$'], asStringList),
    field('ignore', 'ignore', [] as string[], asStringList),
    field('leave_enabled', 'leaveEnabled', true, asBool),
  ];
  declare targets: string[];
  declare ignore: string[];
  declare leaveEnabled: boolean;

  #masks = new HeldMasks([]);

  protected override onInitialize(state: State, _kwargs: Kwargs): boolean {
    this.#masks = new HeldMasks(targetLinears('ConstantPruningModifier', state.model, this.targets, this.ignore));
    return true;
  }

  protected override onStart(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    let zeros = 0;
    let total = 0;
    for (const [name, m] of this.#masks.modules) {
      const mask = zeroMask(m.weight.data);
      this.#masks.hold(name, mask);
      for (const bit of mask) zeros += 1 - bit;
      total += mask.length;
    }
    this.recordEffect('pruning.hold', { sparsity: Number((total ? zeros / total : 0).toFixed(6)), modules: this.#masks.modules.length });
  }

  /** Snapshot protocol (restorable.ts): the held masks are all its private state. */
  saveState(): SavedModifierState {
    return { values: {}, arrays: this.#masks.save() };
  }
  restoreState(saved: SavedModifierState): void {
    this.#masks.restore(saved.arrays);
  }

  protected override onEvent(_state: State, event: Event, _kwargs: Kwargs): void {
    this.#masks.onEvent(event, this.started && (!this.ended || this.leaveEnabled));
  }
}
