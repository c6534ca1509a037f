/**
 * IMatrixGatherer (LLM Compressor 0.12 `modifiers/transform/imatrix/base.py`): fields `targets` (['Linear']),
 * `ignore` (['lm_head']), `weight_observer` ('imatrix_mse' only). It quantizes nothing: from initialize on,
 * a forward-pre hook on each targeted Linear adds Σx² per input channel and the token count over the
 * calibration forwards (the `imatrix_mse` observer's `attach`); the sums stay on the module, where a later
 * `imatrix_mse` weight observer (QuantizationModifier, GPTQ) takes them instead of gathering its own. Its
 * hooks go at CALIBRATION_EPOCH_END; finalize drops sums nobody took (upstream keeps them out of the checkpoint).
 */
import type { Event } from '../../core/events.ts';
import { EventType } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import { asStringList, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import { match } from '../../compressed-tensors/match.ts';
import { HooksMixin } from '../../model/hooksMixin.ts';
import type { Module } from '../../model/modules.ts';
import { Modifier, type Kwargs, type ModifierArgs } from '../modifier.ts';
import { requireModel } from '../_internals/requireModel.ts';
import { coveredBy } from '../_internals/covered.ts';
import { accumulateImportance, dropImportance, leaveImportance, newImportance, settleImportance, type ImportanceSums } from './observers/importance.ts';

export class IMatrixGatherer extends Modifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field<string[]>('targets', 'targets', ['Linear'], asStringList),
    field<string[]>('ignore', 'ignore', ['lm_head'], asStringList),
    field<string>('weight_observer', 'weightObserver', 'imatrix_mse', (v) => {
      if (v !== 'imatrix_mse') throw new FieldTypeError(`weight_observer must be 'imatrix_mse' (got ${JSON.stringify(v)})`);
      return v;
    }),
  ];
  declare targets: string[];
  declare ignore: string[];
  declare weightObserver: string;

  readonly #hooks = new HooksMixin();
  readonly #gathered = new Map<string, { module: Module; sums: ImportanceSums }>();

  constructor(args: ModifierArgs & Record<string, unknown> = {}) {
    super(args);
  }

  /** E[x²] sums by module name, for tests and reports. */
  get importance(): ReadonlyMap<string, ImportanceSums> {
    return new Map([...this.#gathered].map(([k, v]) => [k, v.sums]));
  }

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    const model = requireModel('IMatrixGatherer', state?.model ?? kwargs.model);
    this.#gathered.clear();
    for (const [name, module] of match(model, this.targets, this.ignore)) {
      if (module.kind !== 'linear') continue; // upstream: modules without in_features gather nothing
      const sums = newImportance(module.inFeatures);
      this.#gathered.set(name, { module, sums });
      leaveImportance(module, sums);
      this.#hooks.registerHook(module, (x) => accumulateImportance(sums, x), 'forward_pre');
    }
    return true;
  }

  protected override onEvent(state: State, event: Event, kwargs: Kwargs): void {
    if (event.type === EventType.CALIBRATION_EPOCH_START && !this.started) this.startItself(state, kwargs);
    if (event.type === EventType.SEQUENTIAL_EPOCH_END) {
      const covered = coveredBy(kwargs.modules);
      for (const [name, { sums }] of this.#gathered) settleImportance(sums, covered(name));
    }
    if (event.type === EventType.CALIBRATION_EPOCH_END && !this.ended) this.endItself(state, kwargs);
  }

  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    this.#hooks.removeHooks();
    this.recordEffect('imatrix.gathered', { modules: [...this.#gathered.keys()], tokens: [...this.#gathered.values()].map((g) => g.sums.count) });
  }

  protected override onFinalize(state: State, kwargs: Kwargs): boolean {
    if (!this.ended) this.endItself(state, kwargs);
    for (const { module } of this.#gathered.values()) dropImportance(module);
    return true;
  }
}
