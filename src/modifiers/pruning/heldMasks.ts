/**
 * The masks a pruning modifier holds: one per target Linear, recorded when it prunes (magnitude) or starts
 * holding (constant), and laid over the weights again after every optimizer step so training cannot revive a
 * pruned weight. Shared by MagnitudePruningModifier and ConstantPruningModifier.
 */
import { EventType, type Event } from '../../core/events.ts';
import type { Linear } from '../../model/modules.ts';
import { prunedIndices, zeroAt } from './masks.ts';

export class HeldMasks {
  /** Pruned indices per module: holding touches only the pruned weights. */
  readonly #masks = new Map<string, Uint32Array>();

  /** `modules`: the modifier's targets, resolved once at initialize. */
  constructor(readonly modules: ReadonlyArray<readonly [string, Linear]>) {}

  get size(): number {
    return this.#masks.size;
  }

  /** Holds `mask` for module `name` from now on (replacing an earlier one). */
  hold(name: string, mask: Uint8Array): void {
    this.#masks.set(name, prunedIndices(mask));
  }

  /** The held masks (pruned indices per module name), for a snapshot; copies. */
  save(): Record<string, Uint32Array> {
    const out: Record<string, Uint32Array> = {};
    for (const [name, indices] of this.#masks) out[name] = indices.slice();
    return out;
  }

  /** Holds exactly the masks `save()` returned (a snapshot's restore); names must be among the targets. */
  restore(saved: Record<string, Uint32Array>): void {
    this.#masks.clear();
    for (const [name, indices] of Object.entries(saved)) {
      const target = this.modules.find(([n]) => n === name);
      if (!target) throw new RangeError(`a saved mask names '${name}', which is not a target`);
      if (indices.some((i) => i >= target[1].weight.data.length)) throw new RangeError(`a saved mask of '${name}' points past its weight`);
      this.#masks.set(name, indices.slice());
    }
  }

  /** On OPTIM_POST_STEP while `holding`: zeroes every masked weight again. Other events: nothing. */
  onEvent(event: Event, holding: boolean): void {
    if (event.type !== EventType.OPTIM_POST_STEP || !holding) return;
    for (const [name, m] of this.modules) {
      const mask = this.#masks.get(name);
      if (mask) zeroAt(m.weight.data, mask);
    }
  }
}
