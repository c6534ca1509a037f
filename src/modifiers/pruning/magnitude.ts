/**
 * MagnitudePruningModifier (upstream `modifiers/pruning/magnitude`): gradual unstructured pruning.
 * From `start` to `end` it raises each target's sparsity from `init_sparsity` to `final_sparsity`
 * on the `update` schedule (`Event.shouldUpdate`), zeroing the smallest weights, and holds the mask
 * after every optimizer step so training cannot revive pruned weights.
 */
import { EventType, type Event } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import { FieldTypeError, asBool, asStringList, field } from '../../core/fields.ts';
import { Modifier, type Kwargs } from '../modifier.ts';
import { HeldMasks } from './heldMasks.ts';
import { applyMask, interpolateSparsity, magnitudeMask, sparsityOf } from './masks.ts';
import { targetLinears } from './targets.ts';

const asSparsity = (v: unknown): number => {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new FieldTypeError(`Input should be a number in [0, 1) (got ${JSON.stringify(v)})`);
  return v;
};
const asScheduler = (v: unknown): 'cubic' | 'linear' => {
  if (v === 'cubic' || v === 'linear') return v;
  throw new FieldTypeError(`Input should be 'cubic' or 'linear' (got ${JSON.stringify(v)})`);
};

export class MagnitudePruningModifier extends Modifier {
  static override readonly fields = [
    ...Modifier.fields,
    field('targets', 'targets', ['re:.*_proj$'], asStringList),
    field('ignore', 'ignore', [] as string[], asStringList),
    field('init_sparsity', 'initSparsity', 0, asSparsity),
    field('final_sparsity', 'finalSparsity', 0.5, asSparsity),
    field('update_scheduler', 'updateScheduler', 'cubic' as 'cubic' | 'linear', asScheduler),
    field('leave_enabled', 'leaveEnabled', true, asBool),
  ];
  declare targets: string[];
  declare ignore: string[];
  declare initSparsity: number;
  declare finalSparsity: number;
  declare updateScheduler: 'cubic' | 'linear';
  declare leaveEnabled: boolean;

  #masks = new HeldMasks([]);
  #sparsity = 0;

  /** The sparsity the schedule calls for at `index` (epochs or steps, like `start`/`end`). */
  sparsityAt(index: number): number {
    const start = this.start ?? 0;
    const end = this.end ?? start;
    const progress = end > start ? (index - start) / (end - start) : 1;
    return interpolateSparsity(this.initSparsity, this.finalSparsity, progress, this.updateScheduler);
  }

  protected override onInitialize(state: State, _kwargs: Kwargs): boolean {
    this.#masks = new HeldMasks(targetLinears('MagnitudePruningModifier', state.model, this.targets, this.ignore));
    return true;
  }

  protected override onStart(_state: State, event: Event | null, _kwargs: Kwargs): void {
    this.#prune(this.sparsityAt(event?.currentIndex ?? this.start ?? 0));
  }

  protected override onUpdate(_state: State, event: Event | null, _kwargs: Kwargs): void {
    if (event && event.type === EventType.BATCH_START && event.shouldUpdate(this.start, this.end, this.update)) {
      this.#prune(this.sparsityAt(event.currentIndex));
    }
  }

  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    this.#prune(this.finalSparsity);
  }

  /** Re-applies the masks after every optimizer step while active (and after the end when `leave_enabled`). */
  protected override onEvent(_state: State, event: Event, _kwargs: Kwargs): void {
    this.#masks.onEvent(event, this.started && (!this.ended || this.leaveEnabled));
  }

  #prune(sparsity: number): void {
    if (sparsity === this.#sparsity && this.#masks.size) return;
    this.#sparsity = sparsity;
    let total = 0;
    for (const [name, m] of this.#masks.modules) {
      const mask = magnitudeMask(m.weight.data, sparsity);
      applyMask(m.weight.data, mask);
      this.#masks.hold(name, mask);
      total += sparsityOf(m.weight.data);
    }
    this.recordEffect('pruning.sparsity', { target: Number(sparsity.toFixed(6)), measured: Number((total / this.#masks.modules.length).toFixed(6)), modules: this.#masks.modules.length });
  }
}
