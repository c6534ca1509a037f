/**
 * AutoRoundModifier (LLM Compressor 0.12 `modifiers/autoround/base.py`, backed by intel/auto-round):
 * QuantizationModifier's schemes with each targeted Linear's rounding and clipping tuned by SignRound
 * (signRound.ts) on the layer's calibration inputs, instead of round-to-nearest.
 * - start: a forward-pre hook on each targeted Linear keeps its inputs (one sample per calibration batch);
 * - SEQUENTIAL_EPOCH_END: the covered Linears are tuned and ŵ written at once, so the next subgraph calibrates on
 *   quantized outputs (upstream's `q_input`); inputs of modules not covered are dropped;
 * - end: hooks removed.
 * Upstream tunes a whole decoder layer's output (`quantize_block`); llmc-sim tunes each Linear's own output
 * (auto-round's `quantize_layer`) and says so in a warning at start.
 */
import type { Event } from '../../core/events.ts';
import { EventType } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import { ValueError } from '../../core/errors.ts';
import { asBool, asOptionalNumber, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import type { Embedding, Linear } from '../../model/modules.ts';
import { HooksMixin } from '../../model/hooksMixin.ts';
import { Rng } from '../../tensor/rng.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import type { Kwargs } from '../modifier.ts';
import { requireModel } from '../_internals/requireModel.ts';
import { QuantizationModifier, type QuantizationModifierArgs, type WeightQuantization } from '../quantization/base.ts';
import { floatFormat, type QuantizationArgs } from '../quantization/presets.ts';
import { writeFinalWeight } from '../_internals/finalWeight.ts';
import { indexSampler, signRound, type LayerSample } from './signRound.ts';
import {
  AUTOROUND_LAYERWISE, floatWeightsNotTuned, noCalibrationSamples, OPT_RTN_NOT_COMPUTED, STATIC_ACTIVATIONS_NOT_IN_LOOP,
} from './messages.ts';

const asInt = (v: unknown): number => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new FieldTypeError('Input should be a valid integer');
};

/** auto-round's default lr: 1/iters (2/iters for iters ≥ 1000 at ≤ 3 bits); min-max lr = lr. */
export function autoRoundLr(lr: number | null, iters: number, bits: number): number {
  if (lr !== null) return lr;
  if (iters <= 0) return 0;
  return iters >= 1000 && bits <= 3 ? 2 / iters : 1 / iters;
}

export class AutoRoundModifier extends QuantizationModifier {
  static override readonly fields: FieldSpecs = [
    ...QuantizationModifier.fields,
    field<number>('iters', 'iters', 200, asInt),
    field<boolean>('enable_torch_compile', 'enableTorchCompile', true, asBool),
    field<number>('batch_size', 'batchSize', 8, asInt),
    field<number | null>('lr', 'lr', null, asOptionalNumber),
    field<string | null>('device_ids', 'deviceIds', null, (v) => (v === null || v === undefined ? null : String(v))),
    field<boolean>('disable_opt_rtn', 'disableOptRtn', false, asBool),
  ];
  declare iters: number;
  declare enableTorchCompile: boolean;
  declare batchSize: number;
  declare lr: number | null;
  declare deviceIds: string | null;
  declare disableOptRtn: boolean;

  readonly #inputs = new Map<string, LayerSample[]>();
  readonly #done = new Set<string>();
  readonly #roundHooks = new HooksMixin();
  #runSeed = '0';
  /** auto-round's log line per tuned module: loss at iteration 0 (RTN) → the best loss and its iteration. */
  readonly losses = new Map<string, { init: number; best: number; bestIter: number }>();

  constructor(args: QuantizationModifierArgs & Record<string, unknown> = {}) {
    super(args);
  }

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    this.#runSeed = kwargs.seed == null ? '0' : String(kwargs.seed);
    return super.onInitialize(state, kwargs);
  }

  protected override onStart(state: State, event: Event | null, kwargs: Kwargs): void {
    super.onStart(state, event, kwargs);
    const model = requireModel('AutoRoundModifier', state?.model ?? kwargs.model);
    this.#checkSchemes();
    this.#inputs.clear();
    this.#done.clear();
    this.warn(AUTOROUND_LAYERWISE);
    if (this.iters === 0 && !this.disableOptRtn) this.warn(OPT_RTN_NOT_COMPUTED);
    for (const [name, scheme] of this.attachedSchemes) {
      const module = model.getModule(name);
      if (!module || module.kind !== 'linear' || !scheme.weights) continue;
      if (scheme.inputActivations && scheme.inputActivations.dynamic === false) this.warn(STATIC_ACTIVATIONS_NOT_IN_LOOP);
      this.#roundHooks.registerHook(module, (x) => this.#capture(name, x), 'forward_pre');
    }
  }

  /** `_mapping_config_to_autoround`'s checks (a preset name passes as auto-round knows it). */
  #checkSchemes(): void {
    if (typeof this.scheme === 'string') return;
    const schemes = this.resolvedSchemes();
    if (schemes.length !== 1) throw new ValueError(`AutoRoundModifier only supports one quantization scheme for now, got ${schemes.length}`);
    const out = schemes[0].outputActivations;
    if (out) throw new ValueError(`Output activation quantization is not supported in AutoRoundModifier, got ${JSON.stringify(out)}`);
  }

  #capture(name: string, x: Tensor): void {
    if (this.#done.has(name)) return;
    const cols = x.shape[x.shape.length - 1];
    let list = this.#inputs.get(name);
    if (!list) this.#inputs.set(name, (list = []));
    list.push({ x: Float64Array.from(x.data), tokens: x.size / cols });
  }

  protected override onEvent(state: State, event: Event, kwargs: Kwargs): void {
    super.onEvent(state, event, kwargs);
    if (event.type === EventType.SEQUENTIAL_EPOCH_END) this.#inputs.clear();
  }

  protected override calibrateWeight(name: string, module: Linear | Embedding, args: QuantizationArgs): WeightQuantization {
    if (module.kind !== 'linear') return super.calibrateWeight(name, module, args);
    if (floatFormat(args) !== null || args.strategy === 'block' || args.strategy === 'tensor_group') {
      this.warn(floatWeightsNotTuned(name, floatFormat(args) ?? args.strategy));
      return super.calibrateWeight(name, module, args);
    }
    const samples = this.#inputs.get(name);
    if (!samples?.length) {
      this.warn(noCalibrationSamples(name));
      return super.calibrateWeight(name, module, args);
    }
    this.#done.add(name);
    const [rows, cols] = module.weight.shape;
    const rng = new Rng(this.#runSeed).split(`modifier:${this.recipePosition}`).split(`layer:${name}`);
    const lr = autoRoundLr(this.lr, this.iters, args.numBits);
    const batch = Math.min(this.batchSize, samples.length);
    const r = signRound(module.weight.data, rows, cols, samples, {
      numBits: args.numBits,
      symmetric: args.symmetric,
      strategy: args.strategy === 'group' ? 'group' : args.strategy === 'tensor' ? 'tensor' : 'channel',
      groupSize: args.groupSize,
      iters: this.iters,
      lr,
      minmaxLr: lr,
      batchSize: this.batchSize,
      nextBatch: indexSampler(samples.length, batch, (a) => shuffle(a, rng)),
      dtype: module.weight.dtype,
    });
    if (this.iters > 0) {
      this.losses.set(name, { init: r.initLoss, best: r.bestLoss, bestIter: r.bestIter });
      this.recordEffect('autoround.quantize', { module: name, message: `quantized ${name},  loss iter 0: ${r.initLoss.toFixed(6)} -> iter ${r.bestIter}: ${r.bestLoss.toFixed(6)}` });
    }
    return writeFinalWeight(module, r.weight, r.scales, r.zeroPoints, args.strategy);
  }

  protected override onEnd(state: State, event: Event | null, kwargs: Kwargs): void {
    this.#roundHooks.removeHooks();
    super.onEnd(state, event, kwargs);
  }
}

/** Fisher–Yates with the run's seeded stream (auto-round uses Python's `random.shuffle`). */
function shuffle(a: number[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
}
