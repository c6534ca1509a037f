/**
 * MagnitudePruningModifier (upstream `modifiers/pruning/magnitude`): gradual unstructured pruning.
 * From `start` to `end` it raises each target's sparsity from `init_sparsity` to `final_sparsity`
 * on the `update` schedule (`Event.shouldUpdate`), shaped by `update_scheduler` (or its alias
 * `interpolation`), zeroing the smallest weights, and holds the mask after every optimizer step so
 * training cannot revive pruned weights. At `end` the masks are released, as upstream does
 * (`leave_enabled` is deprecated there and forced to False); ours honours `leave_enabled: true` with
 * a warning, except in 'reference' fidelity. docs/differences.md lists both departures.
 */
import { EventType, type Event } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import { FieldTypeError, asBool, asStringList, field } from '../../core/fields.ts';
import { ValueError } from '../../core/errors.ts';
import { Modifier, type Kwargs } from '../modifier.ts';
import { HeldMasks } from './heldMasks.ts';
import { INTERPOLATIONS, type Interpolation, applyMask, interpolateSparsity, magnitudeMask, sparsityOf } from './masks.ts';
import { targetLinears } from './targets.ts';
import type { Restorable, SavedModifierState } from '../restorable.ts';

const asSparsity = (v: unknown): number => {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new FieldTypeError(`Input should be a number in [0, 1) (got ${JSON.stringify(v)})`);
  return v;
};
const asInterpolation = (v: unknown): Interpolation => {
  if ((INTERPOLATIONS as readonly unknown[]).includes(v)) return v as Interpolation;
  throw new FieldTypeError(`Input should be ${INTERPOLATIONS.map((k) => `'${k}'`).join(', ')} (got ${JSON.stringify(v)})`);
};
const asOptionalInterpolation = (v: unknown): Interpolation | null => (v === null || v === undefined ? null : asInterpolation(v));

/** Upstream's DeprecationWarning text for `leave_enabled: true`, then what we do instead. */
export const leaveEnabledDeprecated = (honoured: boolean) =>
  'MagnitudePruningModifier.leave_enabled has been deprecated and will be set to False. ' +
  (honoured
    ? "llmc-sim keeps the masks after `end` as asked; LLM Compressor releases them (use fidelity 'reference' to match)."
    : 'The masks are released at `end`, as in LLM Compressor.');

/** Ours: `interpolation` and `update_scheduler` name the same schedule; two different values are an error. */
export class ConflictingInterpolationError extends ValueError {
  constructor(readonly interpolation: string, readonly updateScheduler: string) {
    super(`MagnitudePruningModifier: interpolation '${interpolation}' and update_scheduler '${updateScheduler}' disagree; give one of them`);
  }
}

export class MagnitudePruningModifier extends Modifier implements Restorable {
  static override readonly fields = [
    ...Modifier.fields,
    field('targets', 'targets', ['re:.*_proj$'], asStringList),
    field('ignore', 'ignore', [] as string[], asStringList),
    field('init_sparsity', 'initSparsity', 0, asSparsity),
    field('final_sparsity', 'finalSparsity', 0.5, asSparsity),
    field('update_scheduler', 'updateScheduler', 'cubic' as Interpolation, asInterpolation),
    field('interpolation', 'interpolation', null as Interpolation | null, asOptionalInterpolation, (v) => v ?? undefined),
    field('leave_enabled', 'leaveEnabled', false, asBool),
  ];
  declare targets: string[];
  declare ignore: string[];
  declare initSparsity: number;
  declare finalSparsity: number;
  declare updateScheduler: Interpolation;
  declare interpolation: Interpolation | null;
  declare leaveEnabled: boolean;

  #masks = new HeldMasks([]);
  #sparsity = 0;
  /** `leave_enabled` as this run applies it (false in 'reference' fidelity, as upstream). */
  #holdAfterEnd = false;

  /** The schedule's shape: `interpolation` when given, else `update_scheduler`. */
  get schedule(): Interpolation {
    if (this.interpolation !== null && this.interpolation !== this.updateScheduler && this.updateScheduler !== 'cubic') {
      throw new ConflictingInterpolationError(this.interpolation, this.updateScheduler);
    }
    return this.interpolation ?? this.updateScheduler;
  }

  /** The sparsity the schedule calls for at `index` (epochs or steps, like `start`/`end`). */
  sparsityAt(index: number): number {
    const start = this.start ?? 0;
    const end = this.end ?? start;
    const progress = end > start ? (index - start) / (end - start) : 1;
    return interpolateSparsity(this.initSparsity, this.finalSparsity, progress, this.schedule);
  }

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    void this.schedule;
    this.#masks = new HeldMasks(targetLinears('MagnitudePruningModifier', state.model, this.targets, this.ignore));
    this.#holdAfterEnd = this.leaveEnabled && kwargs.fidelity !== 'reference';
    if (this.leaveEnabled) this.warn(leaveEnabledDeprecated(this.#holdAfterEnd));
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
    if (!this.#holdAfterEnd) this.recordEffect('pruning.release', { sparsity: this.#sparsity, modules: this.#masks.modules.length });
  }

  /** Re-applies the masks after every optimizer step while active (and after the end when held). */
  protected override onEvent(_state: State, event: Event, _kwargs: Kwargs): void {
    this.#masks.onEvent(event, this.started && (!this.ended || this.#holdAfterEnd));
  }

  /** Snapshot protocol (restorable.ts): the sparsity reached and the held masks (`leave_enabled` as applied is rebuilt by initialize). */
  saveState(): SavedModifierState {
    return { values: { sparsity: this.#sparsity }, arrays: this.#masks.save() };
  }
  restoreState(saved: SavedModifierState): void {
    const sparsity = saved.values.sparsity;
    if (typeof sparsity !== 'number') throw new TypeError('a saved MagnitudePruningModifier state needs a numeric sparsity');
    this.#sparsity = sparsity;
    this.#masks.restore(saved.arrays);
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
