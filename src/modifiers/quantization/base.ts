/**
 * QuantizationModifier (LLM Compressor ≤ 0.12 `modifiers/quantization/*`, spinquant.md §10): weight RTN
 * fake quantization, plus dynamic per-token input fake quantization for W8A8/W4A4. Initialize attaches the
 * schemes (quantization off); SEQUENTIAL_EPOCH_END computes scales of the targeted modules it covers;
 * CALIBRATION_EPOCH_END writes ŵ into the weights and switches activation quantization on.
 */
import type { Event } from '../../core/events.ts';
import { EventType } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import type { Model } from '../../model/model.ts';
import type { Module } from '../../model/modules.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import { fakeQuantizeOp as fakeQuantize } from '../../tensor/ops.ts';
import { asBool, asStringList, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import { Modifier, type Kwargs, type ModifierArgs } from '../modifier.ts';
import { HooksMixin } from '../../model/hooksMixin.ts';
import { match } from '../../compressed-tensors/match.ts';
import { requireModel } from '../_internals/requireModel.ts';
import {
  GroupDivisibilityError, NarrowGroupLayerError, neverObserved, NotSimulatedError, QuantizationFieldsRequiredError,
  SchemeAndConfigGroupsError, type IndivisibleLayer,
} from './errors.ts';
import {
  checkPresetName, dumpSchemeEntry, parseSchemeEntry, presetScheme, type QuantizationArgs, type QuantizationScheme,
} from './presets.ts';

export interface QuantizationModifierArgs extends ModifierArgs {
  configGroups?: Record<string, unknown> | null;
  config_groups?: Record<string, unknown> | null;
  targets?: string | string[];
  ignore?: string | string[];
  scheme?: string | Record<string, string | string[]> | null;
  kvCacheScheme?: unknown;
  kv_cache_scheme?: unknown;
  weightObserver?: string | null;
  inputObserver?: string | null;
  outputObserver?: string | null;
  bypassDivisibilityChecks?: boolean;
  bypass_divisibility_checks?: boolean;
}

type SchemeValue = string | Record<string, string[]>;

/** `scheme`: a preset name, or `{presetName: targets}` (a bare target string wrapped). */
function parseScheme(v: unknown): SchemeValue | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    checkPresetName(v);
    return v;
  }
  if (typeof v === 'object' && !Array.isArray(v)) {
    const out: Record<string, string[]> = {};
    for (const [name, targets] of Object.entries(v as Record<string, unknown>)) {
      checkPresetName(name);
      if (typeof targets === 'string') out[name] = [targets];
      else if (Array.isArray(targets) && targets.every((t) => typeof t === 'string')) out[name] = [...targets];
      else throw new FieldTypeError('Input should be a valid list of strings', name);
    }
    return out;
  }
  throw new FieldTypeError(`Input should be a preset scheme name or a dictionary of preset scheme names (got ${JSON.stringify(v)})`);
}

function parseConfigGroups(v: unknown): Record<string, QuantizationScheme> | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new FieldTypeError('Input should be a valid dictionary');
  const out: Record<string, QuantizationScheme> = {};
  for (const [name, entry] of Object.entries(v as Record<string, unknown>)) out[name] = parseSchemeEntry(entry, name);
  return out;
}

/** T30 for anything but null. */
const notSimulated = (py: string) => (v: unknown): null => {
  if (v === null || v === undefined) return null;
  throw new NotSimulatedError(py);
};

/** Observers: min-max ones only (the RTN math of §10); others → T30. */
const minMaxObserver = (py: string) => (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' && v.replace(/[_-]/g, '').toLowerCase().includes('minmax')) return v;
  throw new NotSimulatedError(py);
};

interface Observed {
  /** The weight Tensor the scales belong to (a later change of weight recomputes them). */
  weight: Tensor;
  value: Tensor;
  scales: Tensor;
  zeroPoints: Int32Array;
}

/** The `quantization.applied` effect: module names whose weights were fake-quantized, whose inputs got a
 * fake-quant hook, and targets skipped because no SEQUENTIAL_EPOCH_END calibrated them. */
export interface QuantizationApplied {
  weights: string[];
  inputActivations: string[];
  skipped: string[];
}

export class QuantizationModifier extends Modifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field<Record<string, QuantizationScheme> | null>('config_groups', 'configGroups', null, parseConfigGroups, (g) =>
      g === null ? null : Object.fromEntries(Object.entries(g).map(([k, s]) => [k, dumpSchemeEntry(s)])),
    ),
    field<string[]>('targets', 'targets', ['Linear'], asStringList),
    field<string[]>('ignore', 'ignore', [], asStringList),
    field<SchemeValue | null>('scheme', 'scheme', null, parseScheme),
    field<null>('kv_cache_scheme', 'kvCacheScheme', null, notSimulated('kv_cache_scheme')),
    field<string | null>('weight_observer', 'weightObserver', null, minMaxObserver('weight_observer')),
    field<string | null>('input_observer', 'inputObserver', null, minMaxObserver('input_observer')),
    field<string | null>('output_observer', 'outputObserver', null, minMaxObserver('output_observer')),
    field<boolean>('bypass_divisibility_checks', 'bypassDivisibilityChecks', false, asBool),
  ];

  declare configGroups: Record<string, QuantizationScheme> | null;
  declare targets: string[];
  declare ignore: string[];
  declare scheme: SchemeValue | null;
  declare kvCacheScheme: null;
  declare weightObserver: string | null;
  declare inputObserver: string | null;
  declare outputObserver: string | null;
  declare bypassDivisibilityChecks: boolean;

  /** Targeted modules and their schemes, after `onInitialize`. */
  readonly #attached = new Map<string, { module: Module; scheme: QuantizationScheme }>();
  readonly #observed = new Map<string, Observed>();
  /** Group layers narrower than their group size (S12, 'reference': T35 when observed). */
  readonly #narrow = new Map<string, IndivisibleLayer>();
  readonly #hooks = new HooksMixin();
  #quantizationEnabled = false;

  constructor(args: QuantizationModifierArgs = {}) {
    super(args);
  }

  /** The HooksMixin holding the activation fake-quant hooks. */
  get hooksMixin(): HooksMixin {
    return this.#hooks;
  }

  /** True once CALIBRATION_EPOCH_END switched quantization on. */
  get quantizationEnabled(): boolean {
    return this.#quantizationEnabled;
  }

  /** Module name → scheme, after `onInitialize`. */
  get attachedSchemes(): ReadonlyMap<string, QuantizationScheme> {
    return new Map([...this.#attached].map(([k, v]) => [k, v.scheme]));
  }

  /** Scales and zero points by module name (after SEQUENTIAL_EPOCH_END). */
  get quantizationParams(): ReadonlyMap<string, { scales: Tensor; zeroPoints: Int32Array }> {
    return new Map([...this.#observed].map(([k, v]) => [k, { scales: v.scales, zeroPoints: v.zeroPoints }]));
  }

  /**
   * `resolve_quantization_config`: the schemes with their targets (T32, T33). A preset name uses
   * `targets`; `{preset: targets}` one scheme per preset; `configGroups` as given.
   */
  resolvedSchemes(): QuantizationScheme[] {
    if (this.scheme !== null && this.configGroups !== null) throw new SchemeAndConfigGroupsError();
    const defaultTargets = this.targets.length === 1 && this.targets[0] === 'Linear';
    if (this.scheme === null && this.configGroups === null && this.kvCacheScheme === null && defaultTargets && this.ignore.length === 0) {
      throw new QuantizationFieldsRequiredError();
    }
    if (typeof this.scheme === 'string') return [presetScheme(this.scheme, this.targets)];
    if (this.scheme !== null) return Object.entries(this.scheme).map(([name, targets]) => presetScheme(name, targets));
    if (this.configGroups !== null && Object.keys(this.configGroups).length > 0) return Object.values(this.configGroups).map((s) => structuredClone(s));
    return [{ targets: [...this.targets], weights: null, inputActivations: null, outputActivations: null }];
  }

  /** §9.3: a KV-cache scheme, static input activations or output activations need calibration data. */
  needsCalibrationData(): boolean {
    if (this.kvCacheScheme !== null) return true;
    let schemes: QuantizationScheme[];
    try {
      schemes = this.resolvedSchemes();
    } catch {
      return false;
    }
    return schemes.some((s) => (s.inputActivations !== null && !s.inputActivations.dynamic) || s.outputActivations !== null);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    const model = modelOf(state, kwargs);
    const schemes = this.resolvedSchemes();
    this.#attached.clear();
    this.#observed.clear();
    this.#narrow.clear();
    for (const scheme of schemes) {
      for (const [name, module] of match(model, scheme.targets, this.ignore)) this.#attached.set(name, { module, scheme });
    }
    if (!this.bypassDivisibilityChecks) {
      const bad: IndivisibleLayer[] = [];
      const reference = kwargs.fidelity === 'reference';
      for (const [name, { module, scheme }] of this.#attached) {
        const wq = scheme.weights;
        if (module.kind !== 'linear' || !wq || wq.strategy !== 'group' || wq.groupSize === null) continue;
        const columns = module.inFeatures;
        if (columns % wq.groupSize === 0) continue;
        const layer = { name, columns, groupSize: wq.groupSize };
        if (columns >= wq.groupSize || !reference) bad.push(layer);
        else this.#narrow.set(name, layer);
      }
      if (bad.length) throw new GroupDivisibilityError(bad);
    }
    return true;
  }

  protected override onEvent(state: State, event: Event, kwargs: Kwargs): void {
    switch (event.type) {
      case EventType.CALIBRATION_EPOCH_START:
        this.startItself(state, kwargs);
        break;
      case EventType.SEQUENTIAL_EPOCH_END:
        this.#calibrate(kwargs.modules);
        break;
      case EventType.CALIBRATION_EPOCH_END:
        this.endItself(state, kwargs);
        break;
      default:
        break;
    }
  }

  protected override onStart(state: State, _event: Event | null, kwargs: Kwargs): void {
    const model = modelOf(state, kwargs);
    const embeddingTargeted = [...this.#attached.values()].some(({ module }) => module === model.getModule('model.embed_tokens') || module === model.getModule('lm_head'));
    if (embeddingTargeted) model.untieWordEmbeddings();
  }

  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    // What was quantized, by module name, for the records (`oneshot` prints it; the journal keeps it).
    const applied: QuantizationApplied = { weights: [], inputActivations: [], skipped: [] };
    for (const [name, { module, scheme }] of this.#attached) {
      if (module.kind !== 'linear') continue;
      if (!scheme.weights && !scheme.inputActivations) continue;
      const obs = this.#observed.get(name);
      if (!obs) {
        this.warn(neverObserved(name));
        applied.skipped.push(name);
        continue;
      }
      if (scheme.weights) {
        module.weight = obs.weight === module.weight ? obs.value : quantizeWeight(module.weight, scheme.weights).value;
        applied.weights.push(name);
      }
      if (scheme.inputActivations) {
        this.#hooks.registerHook(module, activationHook(scheme.inputActivations), 'forward_pre');
        applied.inputActivations.push(name);
      }
    }
    this.#quantizationEnabled = true;
    this.recordEffect('quantization.applied', applied);
  }

  protected override onFinalize(state: State, kwargs: Kwargs): boolean {
    this.endItself(state, kwargs);
    // S11: upstream returns nothing, so `finalized` stays false; 'default' returns true.
    return (kwargs.fidelity === 'reference' ? undefined : true) as boolean;
  }

  // ---- calibration --------------------------------------------------------------------------

  /** Scales and zero points of the targeted modules among `modules` and their descendants. */
  #calibrate(modules: unknown): void {
    const prefixes = moduleNames(modules);
    const covered = (name: string) => prefixes.some((p) => p === '' || name === p || name.startsWith(`${p}.`));
    for (const [name, { module, scheme }] of this.#attached) {
      if (module.kind !== 'linear' || !covered(name)) continue;
      const narrow = this.#narrow.get(name);
      if (narrow) throw new NarrowGroupLayerError(narrow);
      if (!scheme.weights) {
        this.#observed.set(name, { weight: module.weight, value: module.weight, scales: module.weight, zeroPoints: new Int32Array(0) });
        continue;
      }
      const r = quantizeWeight(module.weight, scheme.weights);
      this.#observed.set(name, { weight: module.weight, ...r });
    }
  }
}

/** RTN of a weight [out, in] by the scheme's strategy (`tensor`: one slice). */
export function quantizeWeight(weight: Tensor, args: QuantizationArgs): { value: Tensor; scales: Tensor; zeroPoints: Int32Array } {
  if (args.strategy === 'tensor') {
    const flat = weight.reshape([1, weight.size]);
    const r = fakeQuantize(flat, { numBits: args.numBits, symmetric: args.symmetric, strategy: 'channel' });
    return { ...r, value: r.value.reshape(weight.shape) };
  }
  return fakeQuantize(weight, {
    numBits: args.numBits,
    symmetric: args.symmetric,
    strategy: args.strategy === 'group' ? 'group' : 'channel',
    groupSize: args.groupSize ?? undefined,
  });
}

/** Dynamic per-token fake quantization of a Linear's input [tokens, in]. */
function activationHook(args: QuantizationArgs) {
  return (x: Tensor): Tensor => fakeQuantize(x, { numBits: args.numBits, symmetric: args.symmetric, strategy: 'token' }).value;
}

function moduleNames(modules: unknown): string[] {
  if (modules === null || modules === undefined) return [];
  const list = Array.isArray(modules) ? modules : modules instanceof Set || modules instanceof Map ? [...(modules as Iterable<unknown>)] : [modules];
  const out: string[] = [];
  for (const m of list) {
    if (typeof m === 'string') out.push(m);
    else if (Array.isArray(m) && typeof m[0] === 'string') out.push(m[0]);
    else if (m && typeof (m as Module).name === 'string') out.push((m as Module).name);
  }
  return out;
}

const modelOf = (state: State, kwargs: Kwargs): Model => requireModel('QuantizationModifier', state?.model ?? kwargs.model);

