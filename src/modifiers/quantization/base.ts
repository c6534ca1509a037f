/**
 * QuantizationModifier (LLM Compressor ≤ 0.12 `modifiers/quantization/*`, spinquant.md §10): weight RTN
 * fake quantization (Linear and Embedding weights) and input fake quantization: dynamic per token or per
 * tensor, or static per tensor from an observer fed by the calibration forwards. Initialize attaches the
 * schemes (unmatched targets warn as compressed-tensors does; legacy targets fail); SEQUENTIAL_EPOCH_END
 * computes the scales of the targeted modules it covers; CALIBRATION_EPOCH_END writes ŵ into the weights
 * and switches activation quantization on.
 */
import type { Event } from '../../core/events.ts';
import { EventType } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import type { Model } from '../../model/model.ts';
import type { Module } from '../../model/modules.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import { nvfp4WeightGlobalScale } from './fusedGlobalScales.ts';
import { asBool, asStringList, field, type FieldSpecs } from '../../core/fields.ts';
import { knownObserver, parseConfigGroups, parseObserverDict, parseScheme, type SchemeValue } from './fields.ts';
import { quantizeWeight, type WeightQuantization } from './rtn.ts';
import { Modifier, type Kwargs, type ModifierArgs } from '../modifier.ts';
import { HooksMixin, type HookHandle } from '../../model/hooksMixin.ts';
import type { Embedding, Linear, LlamaAttention } from '../../model/modules.ts';
import { dynamicActivationHook, isStaticInput } from './activations.ts';
import { ActivationCalibration } from './staticActivations.ts';
import { checkLegacyTargets } from '../_internals/legacyTargets.ts';
import { coveredBy } from '../_internals/covered.ts';
import { attachedScheme, attachScheme, isQuantized } from './attached.ts';
import { isMseObserver, mseQuantizeWeight } from './observers/mseWeights.ts';
import { accumulateImportance, newImportance, normalizedImportance, settleImportance, takeImportance, type ImportanceSums } from './observers/importance.ts';
import { match } from '../../compressed-tensors/match.ts';
import { requireModel } from '../_internals/requireModel.ts';
import {
  AsymmetricKvCacheError, embeddingInputNotQuantized, mseObserverNotUsed, GroupDivisibilityError, kvCacheNeverCalibrated, ObserverOverrideConflictError, staticOutputNeverCalibrated, NarrowGroupLayerError, neverObserved, staticInputNeverCalibrated, NotSimulatedError, QuantizationFieldsRequiredError,
  SchemeAndConfigGroupsError, type IndivisibleLayer,
} from './errors.ts';
import {
  applyObserverOverrides, checkPresetName, dumpQuantizationArgs, dumpSchemeEntry, parseKvCacheScheme, type KvCacheArgs, floatFormat, OBSERVER_NAMES, parseSchemeEntry, presetScheme, type ObserverOverrides,
  type QuantizationArgs, type QuantizationScheme,
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

interface Observed {
  /** The weight Tensor the scales belong to (a later change of weight recomputes them). */
  weight: Tensor;
  value: Tensor;
  scales: Tensor;
  zeroPoints: Int32Array;
}

/** The `quantization.applied` effect: module names whose weights were fake-quantized, whose inputs got a
 * fake-quant hook, outputs and KV caches likewise, and targets skipped because no SEQUENTIAL_EPOCH_END
 * calibrated them. */
export interface QuantizationApplied {
  weights: string[];
  inputActivations: string[];
  /** Linears whose outputs got a fake-quant hook. */
  outputActivations: string[];
  /** Attention modules whose keys and values are fake-quantized as they enter the KV cache. */
  kvCache: string[];
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
    field<KvCacheArgs | null>('kv_cache_scheme', 'kvCacheScheme', null, parseKvCacheScheme, dumpQuantizationArgs),
    field<string | null>('weight_observer', 'weightObserver', null, knownObserver('weight_observer')),
    field<string | null>('input_observer', 'inputObserver', null, knownObserver('input_observer')),
    field<string | null>('output_observer', 'outputObserver', null, knownObserver('output_observer')),
    field<Record<string, string> | null>('observer', 'observer', null, parseObserverDict),
    field<boolean>('bypass_divisibility_checks', 'bypassDivisibilityChecks', false, asBool),
  ];

  declare configGroups: Record<string, QuantizationScheme> | null;
  declare targets: string[];
  declare ignore: string[];
  declare scheme: SchemeValue | null;
  declare kvCacheScheme: KvCacheArgs | null;
  declare weightObserver: string | null;
  declare inputObserver: string | null;
  declare outputObserver: string | null;
  declare observer: Record<string, string> | null;
  declare bypassDivisibilityChecks: boolean;

  /** Targeted modules and their schemes, after `onInitialize`. */
  readonly #attached = new Map<string, { module: Module; scheme: QuantizationScheme }>();
  readonly #observed = new Map<string, Observed>();
  /** Group layers narrower than their group size (S12, 'reference': T35 when observed). */
  readonly #narrow = new Map<string, IndivisibleLayer>();
  readonly #hooks = new HooksMixin();
  /** Static input, output and KV-cache observers (from onStart to onEnd) and the parameters frozen from them. */
  readonly #calibration = new ActivationCalibration(this.#hooks);
  /** Attention modules whose keys and values `kv_cache_scheme` quantizes, after `onInitialize`. */
  readonly #kvCache = new Map<string, LlamaAttention>();
  readonly #calibrationHooks: HookHandle[] = [];
  /** imatrix_mse weights: E[x²] sums by module name (left by an IMatrixGatherer, or gathered here). */
  readonly #importance = new Map<string, ImportanceSums>();
  readonly #warned = new Set<string>();
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
    const override = (s: QuantizationScheme) => applyObserverOverrides(s, this.#observerOverrides());
    if (typeof this.scheme === 'string') return [override(presetScheme(this.scheme, this.targets))];
    if (this.scheme !== null) return Object.entries(this.scheme).map(([name, targets]) => override(presetScheme(name, targets)));
    if (this.configGroups !== null && Object.keys(this.configGroups).length > 0) return Object.values(this.configGroups).map((s) => override(structuredClone(s)));
    return [{ targets: [...this.targets], weights: null, inputActivations: null, outputActivations: null }];
  }

  /** `_apply_observer_overrides`' names: the individual fields, or the `observer` dict (not both). */
  #observerOverrides(): ObserverOverrides {
    const individual = this.weightObserver !== null || this.inputObserver !== null || this.outputObserver !== null;
    if (individual && this.observer !== null) {
      throw new ObserverOverrideConflictError();
    }
    return {
      weights: this.observer?.weights ?? this.weightObserver,
      input_activations: this.observer?.input ?? this.inputObserver,
      output_activations: this.observer?.output ?? this.outputObserver,
    };
  }

  /** `QuantizationMixin.has_config`: a scheme, config groups or a KV-cache scheme of its own. */
  hasConfig(): boolean {
    return this.scheme !== null || this.configGroups !== null || this.kvCacheScheme !== null;
  }

  /** GPTQ: without a config of its own, quantize the modules an earlier modifier attached schemes to. */
  protected inheritsAttachedSchemes(): boolean {
    return false;
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
    return schemes.some((s) => isStaticInput(s.inputActivations) || s.outputActivations !== null);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    const model = modelOf(state, kwargs);
    this.#attached.clear();
    this.#observed.clear();
    this.#narrow.clear();
    if (this.inheritsAttachedSchemes() && !this.hasConfig()) {
      // upstream: "assume quantization has been initialized by this modifier or one before it"
      for (const [name, module] of match(model, this.targets, this.ignore)) {
        const scheme = attachedScheme(module);
        if (scheme) this.#attached.set(name, { module, scheme });
      }
      return true;
    }
    const schemes = this.resolvedSchemes();
    this.#kvCache.clear();
    if (this.kvCacheScheme) {
      // `_apply_kv_cache_scheme`: every attention module, whatever `ignore` says
      if (!this.kvCacheScheme.symmetric) {
        this.warn('vLLM does not support asymmetric kv cache quantization');
        throw new AsymmetricKvCacheError();
      }
      for (const [name, module] of model.namedModules()) if (module.kind === 'attention') this.#kvCache.set(name, module);
    }
    for (const scheme of schemes) {
      checkLegacyTargets(scheme.targets, 'QuantizationModifier');
      const found = match(model, scheme.targets, this.ignore, { warnOnFail: true, warn: (m) => this.warn(m) });
      for (const [name, module] of found) {
        this.#attached.set(name, { module, scheme });
        attachScheme(module, scheme);
      }
    }
    if (!this.bypassDivisibilityChecks) {
      const bad: IndivisibleLayer[] = [];
      const reference = kwargs.fidelity === 'reference';
      for (const [name, { module, scheme }] of this.#attached) {
        const wq = scheme.weights;
        if (!hasWeight(module) || !wq || (wq.strategy !== 'group' && wq.strategy !== 'tensor_group') || wq.groupSize === null) continue;
        const columns = module.weight.shape[1];
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
    this.#calibration.clear();
    this.#importance.clear();
    for (const [name, { module, scheme }] of this.#attached) {
      const weightObserver = scheme.weights?.observer ?? null;
      if (weightObserver === 'minmax' || weightObserver === 'static_minmax' || weightObserver === 'mse') {
        const to = weightObserver === 'mse' ? 'memoryless_mse' : 'memoryless_minmax';
        this.#warnOnce(`Overriding weight observer for lower memory usage (${weightObserver} -> ${to})`);
      }
      if (isMseObserver(weightObserver) && this.calibrateWeight !== QuantizationModifier.prototype.calibrateWeight) {
        this.#warnOnce(mseObserverNotUsed(this.constructor.name, weightObserver));
      }
      if (weightObserver === 'imatrix_mse' && module.kind === 'linear') {
        const left = takeImportance(module);
        const acc = left ?? newImportance(module.inFeatures);
        this.#importance.set(name, acc);
        if (!left) this.#calibrationHooks.push(this.#hooks.registerHook(module, (x) => accumulateImportance(acc, x), 'forward_pre'));
      }
    }
    for (const [name, { module, scheme }] of this.#attached) {
      if (module.kind !== 'linear') continue;
      const { inputActivations: input, outputActivations: output } = scheme;
      if (isStaticInput(input)) this.#calibration.watch(name, module, 'input', input, module.weight.dtype);
      if (output && output.dynamic === false) this.#calibration.watch(name, module, 'output', output, module.weight.dtype);
      for (const args of [input, output]) if (args?.observer === 'imatrix_mse') this.#warnOnce('imatrix_mse: only supported for weight observers. Falling back to uniform MSE.');
    }
    const kv = this.kvCacheScheme;
    if (kv) {
      for (const [name, attn] of this.#kvCache) {
        // attn_head: a per-tensor observer and scale for each KV head's columns
        const heads = kv.strategy === 'attn_head' ? attn.numKvHeads : 1;
        const perSlice: QuantizationArgs = { ...kv, strategy: 'tensor' };
        this.#calibration.watch(name, attn, 'k', perSlice, model.dtype, heads);
        this.#calibration.watch(name, attn, 'v', perSlice, model.dtype, heads);
      }
    }
  }

  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    this.#hooks.removeHooks(this.#calibrationHooks);
    this.#calibrationHooks.length = 0;
    this.#calibration.removeCalibrationHooks();
    // What was quantized, by module name, for the records (`oneshot` prints it; the journal keeps it).
    const applied: QuantizationApplied = { weights: [], inputActivations: [], outputActivations: [], kvCache: [], skipped: [] };
    for (const [name, { module, scheme }] of this.#attached) {
      if (!hasWeight(module)) continue;
      if (!scheme.weights && !scheme.inputActivations && !scheme.outputActivations) continue;
      const obs = this.#observed.get(name);
      if (!obs) {
        this.warn(neverObserved(name));
        applied.skipped.push(name);
        continue;
      }
      if (scheme.weights) {
        // Weights already quantized (GPTQ) stay as they are; either way they are quantized now.
        if (!isQuantized(module.weight)) {
          module.weight = obs.weight === module.weight ? obs.value : this.#observeWeight(name, module, scheme.weights).value;
        }
        applied.weights.push(name);
      }
      const input = scheme.inputActivations;
      if (input && module.kind !== 'linear') this.warn(embeddingInputNotQuantized(name));
      else if (input?.dynamic === true) {
        this.#hooks.registerHook(module, dynamicActivationHook(input), 'forward_pre');
        applied.inputActivations.push(name);
      } else if (input) {
        if (this.#calibration.apply(name, 'input')) applied.inputActivations.push(name);
        else this.warn(staticInputNeverCalibrated(name));
      }
      const output = scheme.outputActivations;
      if (!output || module.kind !== 'linear') continue;
      if (output.dynamic === true) this.#hooks.registerHook(module, dynamicActivationHook(output), 'forward');
      else if (!this.#calibration.apply(name, 'output')) {
        this.warn(staticOutputNeverCalibrated(name));
        continue;
      }
      applied.outputActivations.push(name);
    }
    if (this.kvCacheScheme) {
      for (const name of this.#kvCache.keys()) {
        const k = this.#calibration.apply(name, 'k');
        const v = this.#calibration.apply(name, 'v');
        if (k && v) applied.kvCache.push(name);
        else this.warn(kvCacheNeverCalibrated(name));
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

  /**
   * ŵ and its parameters for one covered module at SEQUENTIAL_EPOCH_END: RTN here; GPTQ overrides it (and
   * writes ŵ into the module at once, as upstream does).
   */
  protected calibrateWeight(name: string, module: Linear | Embedding, args: QuantizationArgs): WeightQuantization {
    return this.#observeWeight(name, module, args);
  }

  /** ŵ by the weight observer: an MSE kind's grid search (imatrix_mse with its importance), else min-max RTN. */
  #observeWeight(name: string, module: Linear | Embedding, args: QuantizationArgs): WeightQuantization {
    if (!isMseObserver(args.observer)) return quantizeWeight(module.weight, args, this.weightGlobalScale(name, args));
    let importance: Float64Array | null = null;
    if (args.observer === 'imatrix_mse') {
      const imp = normalizedImportance(this.#importance.get(name), args.strategy, module.weight.shape[1]);
      if (typeof imp === 'string') this.#warnOnce(imp);
      else importance = imp;
    }
    return mseQuantizeWeight(module.weight, args, importance);
  }

  /** upstream's `log_once` warnings. */
  #warnOnce(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.warn(message);
  }

  /**
   * NVFP4 weights: the global scale fused over q/k/v and gate/up (`fusedGlobalScales.ts`) of the modules'
   * current weights; else none. GPTQ takes it before it writes any of the siblings' quantized weights.
   */
  protected weightGlobalScale(name: string, args: QuantizationArgs): number | undefined {
    if (floatFormat(args) !== 'nvfp4') return undefined;
    return nvfp4WeightGlobalScale(name, (sibling) => {
      const a = this.#attached.get(sibling);
      return a && hasWeight(a.module) && a.scheme.weights?.strategy === 'tensor_group' ? a.module.weight : null;
    });
  }

  /** Scales and zero points of the targeted modules among `modules` and their descendants. */
  #calibrate(modules: unknown): void {
    const covered = coveredBy(modules);
    this.#calibration.freeze(covered);
    for (const [name, sums] of this.#importance) settleImportance(sums, covered(name));
    for (const [name, { module, scheme }] of this.#attached) {
      if (!hasWeight(module) || !covered(name)) continue;
      const narrow = this.#narrow.get(name);
      if (narrow) throw new NarrowGroupLayerError(narrow);
      if (!scheme.weights) {
        this.#observed.set(name, { weight: module.weight, value: module.weight, scales: module.weight, zeroPoints: new Int32Array(0) });
        continue;
      }
      const r = isQuantized(module.weight)
        ? { value: module.weight, scales: module.weight, zeroPoints: new Int32Array(0) } // final already (GPTQ ran first)
        : this.calibrateWeight(name, module, scheme.weights);
      this.#observed.set(name, { weight: module.weight, ...r }); // after: a subclass may have written ŵ already
    }
  }
}

export { quantizeWeight, type WeightQuantization } from './rtn.ts';


/** Modules whose weight the scheme quantizes: Linear and Embedding. */
const hasWeight = (m: Module): m is Linear | Embedding => m.kind === 'linear' || m.kind === 'embedding';

const modelOf = (state: State, kwargs: Kwargs): Model => requireModel('QuantizationModifier', state?.model ?? kwargs.model);

