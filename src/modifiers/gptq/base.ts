/**
 * GPTQModifier (LLM Compressor 0.12 `modifiers/gptq/base.py`; the algorithm in tensor/kernels/gptq.ts):
 * QuantizationModifier's schemes and activation handling, with each targeted Linear's weight quantized by
 * GPTQ from the Hessian of its calibration inputs instead of round-to-nearest, in every weight format RTN has
 * (int, FP8, NVFP4, MX, FP8 block/group; tensor/kernels/gptqColumnQuantizer.ts), on RTN's grid.
 * - start: a forward-pre hook on each targeted Linear adds 2·XᵀX of its input (one sample per batch);
 * - SEQUENTIAL_EPOCH_END: the covered modules are quantized from H / samples and ŵ written at once, so the
 *   next subgraph calibrates on quantized outputs (upstream); Hessians of modules not covered are dropped
 *   (our forward runs the whole model; upstream's subgraph forward would not have reached them);
 * - end: hooks removed. `offload_hessians` only moves memory upstream; it changes nothing here.
 */
import type { Event } from '../../core/events.ts';
import { EventType } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import { asBool, asOptionalNumber, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import type { Embedding, Linear } from '../../model/modules.ts';
import { HooksMixin } from '../../model/hooksMixin.ts';
import { Tensor } from '../../tensor/tensor.ts';
import { asPositiveInt, HessianAccumulator } from '../_internals/hessians.ts';
import { gptqQuantize } from '../../tensor/ops.ts';
import type { Kwargs } from '../modifier.ts';
import { requireModel } from '../_internals/requireModel.ts';
import { QuantizationModifier, quantizeWeight, type QuantizationModifierArgs, type WeightQuantization } from '../quantization/base.ts';
import { floatFormat, type ActivationOrdering, type QuantizationArgs, type QuantizationScheme } from '../quantization/presets.ts';
import { coveredBy } from '../_internals/covered.ts';
import { writeFinalWeight } from '../_internals/finalWeight.ts';
import {
  ActorderConflictError, groupActorderFallback, HESSIAN_NOT_INVERTIBLE, noCalibrationSamples, NothingToQuantizeError, quantizingWith,
} from './errors.ts';

/** Upstream's `Sentinel("static")`: actorder not given, so `static` (= weight) fills schemes that have none. */
const DEFAULT_ACTORDER = 'static-default' as const;
type ActorderField = ActivationOrdering | null | typeof DEFAULT_ACTORDER;

export interface GPTQModifierArgs extends QuantizationModifierArgs {
  blockSize?: number;
  block_size?: number;
  dampeningFrac?: number | null;
  dampening_frac?: number | null;
  actorder?: string | boolean | null;
  offloadHessians?: boolean;
  offload_hessians?: boolean;
}

function parseActorder(v: unknown): ActorderField {
  if (v === DEFAULT_ACTORDER) return v;
  if (v === null || v === undefined) return null;
  if (v === true || v === false) return v ? 'group' : null;
  if (typeof v === 'string') {
    const l = v.toLowerCase();
    if (l === 'group' || l === 'dynamic') return 'group';
    if (l === 'weight' || l === 'static') return 'weight';
  }
  throw new FieldTypeError("Input should be 'group', 'weight', 'dynamic' or 'static'");
}

const asBlockSize = (v: unknown): number => asPositiveInt(v, (m) => new FieldTypeError(m));

export class GPTQModifier extends QuantizationModifier {
  static override readonly fields: FieldSpecs = [
    ...QuantizationModifier.fields,
    field<number>('block_size', 'blockSize', 128, asBlockSize),
    field<number | null>('dampening_frac', 'dampeningFrac', 0.01, asOptionalNumber),
    field<ActorderField>('actorder', 'actorder', DEFAULT_ACTORDER, parseActorder, (v) => (v === DEFAULT_ACTORDER ? undefined : v)),
    field<boolean>('offload_hessians', 'offloadHessians', false, asBool),
  ];

  declare blockSize: number;
  declare dampeningFrac: number | null;
  declare actorder: ActorderField;
  declare offloadHessians: boolean;

  readonly #hessians = new HessianAccumulator();
  readonly #done = new Set<string>();
  readonly #gptqHooks = new HooksMixin();
  /** NVFP4 weights' global scales, observed at SEQUENTIAL_EPOCH_END before any GPTQ write. */
  readonly #globalScales = new Map<string, number>();
  /** GPTQ's logged loss per module (upstream's CompressionLogger), after its SEQUENTIAL_EPOCH_END. */
  readonly losses = new Map<string, number>();

  constructor(args: GPTQModifierArgs = {}) {
    super(args);
  }

  /** `resolve_quantization_config` with the modifier's `actorder` applied to every weight scheme. */
  override resolvedSchemes(): QuantizationScheme[] {
    const schemes = super.resolvedSchemes();
    for (const s of schemes) {
      if (!s.weights) continue;
      s.weights = { ...s.weights, actorder: this.#resolveActorder(s.weights.actorder) };
      if (s.weights.actorder === 'group' && s.weights.strategy !== 'group' && s.weights.strategy !== 'tensor_group') {
        this.warn(groupActorderFallback(s.weights.strategy));
        s.weights.actorder = null;
      }
    }
    return schemes;
  }

  #resolveActorder(existing: ActivationOrdering | null): ActivationOrdering | null {
    if (this.actorder === DEFAULT_ACTORDER) return existing ?? 'weight';
    if (existing === null || this.actorder === existing) return this.actorder;
    throw new ActorderConflictError(this.actorder, existing);
  }

  protected override inheritsAttachedSchemes(): boolean {
    return true;
  }

  protected override onStart(state: State, event: Event | null, kwargs: Kwargs): void {
    super.onStart(state, event, kwargs);
    const model = requireModel('GPTQModifier', state?.model ?? kwargs.model);
    this.#hessians.clear();
    this.#done.clear();
    let added = false;
    for (const [name, scheme] of this.attachedSchemes) {
      const module = model.getModule(name);
      if (!module || module.kind !== 'linear' || !scheme.weights) continue; // upstream's HACK: embeddings get no GPTQ hook
      added = true;
      this.#gptqHooks.registerHook(module, (x) => this.#accumulate(name, x), 'forward_pre');
    }
    if (!added) throw new NothingToQuantizeError();
  }

  #accumulate(name: string, x: Tensor): void {
    if (!this.#done.has(name)) this.#hessians.add(name, x);
  }

  protected override onEvent(state: State, event: Event, kwargs: Kwargs): void {
    if (event.type === EventType.SEQUENTIAL_EPOCH_END) this.#observeGlobalScales(kwargs.modules);
    super.onEvent(state, event, kwargs);
    if (event.type === EventType.SEQUENTIAL_EPOCH_END) {
      this.#hessians.clear();
      this.#globalScales.clear();
    }
  }

  protected override calibrateWeight(name: string, module: Linear | Embedding, args: QuantizationArgs): WeightQuantization {
    const globalScale = this.#globalScales.get(name) ?? this.weightGlobalScale(name, args);
    if (module.kind !== 'linear') return quantizeWeight(module.weight, args, globalScale);
    const entry = this.#hessians.take(name);
    if (!entry) {
      this.warn(noCalibrationSamples(name));
      return quantizeWeight(module.weight, args, globalScale);
    }
    this.#done.add(name);
    this.recordEffect('gptq.quantize', { module: name, message: quantizingWith(name, entry.samples) });
    const [rows, cols] = module.weight.shape;
    const format = floatFormat(args);
    const r = gptqQuantize(module.weight.data, rows, cols, entry.h, {
      numBits: args.numBits,
      type: args.type,
      ...(format === null ? {} : { format }),
      symmetric: args.symmetric,
      strategy: args.strategy === 'token' ? 'channel' : args.strategy,
      groupSize: args.groupSize,
      blockStructure: args.blockStructure ?? null,
      ...(globalScale === undefined ? {} : { globalScale }),
      actorder: args.actorder, // group only with group/tensor_group: resolvedSchemes, or the args' own validation
      blockSize: this.blockSize,
      dampeningFrac: this.dampeningFrac ?? 0,
      dtype: module.weight.dtype,
    });
    if (!r.inverted) this.warn(HESSIAN_NOT_INVERTIBLE);
    this.losses.set(name, r.loss);
    return writeFinalWeight(module, r.weight, r.scales, r.zeroPoints, args.strategy, r.scaleShape);
  }

  /**
   * NVFP4's global scales of the modules this SEQUENTIAL_EPOCH_END covers, from their weights before GPTQ
   * writes any of them (upstream observes every covered weight, then compresses): q/k/v and gate/up share
   * theirs, and a sibling quantized first must not change the others' (its ŵ keeps the largest magnitude only
   * up to rounding: the clamp at ±6·s/g).
   */
  #observeGlobalScales(modules: unknown): void {
    const covered = coveredBy(modules);
    for (const [name, scheme] of this.attachedSchemes) {
      if (!covered(name) || !scheme.weights || floatFormat(scheme.weights) !== 'nvfp4') continue;
      const g = this.weightGlobalScale(name, scheme.weights);
      if (g !== undefined) this.#globalScales.set(name, g);
    }
  }

  protected override onEnd(state: State, event: Event | null, kwargs: Kwargs): void {
    this.#gptqHooks.removeHooks();
    super.onEnd(state, event, kwargs);
  }
}
