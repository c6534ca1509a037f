/**
 * AWQModifier (LLM Compressor 0.12 `modifiers/transform/awq/base.py`; the search in ./search.ts): a transform,
 * not a quantizer — it scales each mapping's smooth layer down and its balance layers up by per-channel scales
 * chosen so the balance layers quantize better under the scheme a QuantizationModifier (or GPTQModifier)
 * attached to them; that modifier, later in the recipe, quantizes the weights.
 * - initialize: the mappings (the Llama default when none are given);
 * - start (CALIBRATION_EPOCH_START): mappings resolved (skipping untargeted and shape-incompatible ones), the
 *   duo_scaling/TENSOR check, forward-pre hooks caching each parent's input and summing |x| per channel at
 *   each mapping's hook layer;
 * - SEQUENTIAL_EPOCH_END: for each covered mapping, the parent's float output, the grid search (balance weights
 *   set to Q(W·s)/s, the parent re-run, MSE against the float output), then W·s into the balance layers and
 *   1/s into the smooth layer; caches of mappings not covered are dropped (our forward runs the whole model;
 *   upstream's subgraph forward would not have reached them);
 * - end: hooks removed.
 */
import type { Event } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import { RuntimeError, ValueError } from '../../core/errors.ts';
import { field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import { HooksMixin } from '../../model/hooksMixin.ts';
import { Tensor } from '../../tensor/tensor.ts';
import { Modifier, type Kwargs, type ModifierArgs } from '../modifier.ts';
import { requireModel } from '../_internals/requireModel.ts';
import { CalibrationModifier } from '../calibrationModifier.ts';
import { attachedScheme } from '../quantization/attached.ts';
import { DEFAULT_AWQ_MAPPINGS, dumpAwqMappings, parseAwqMappings, resolveAwqMappings, type AWQMappingSpec, type ResolvedAwqMapping } from './mappings.ts';
import { parentRunner, type ParentRunner } from './parentForward.ts';
import type { DuoScaling, SearchResult } from './search.ts';
import { computeBestScales } from './bestScales.ts';

export interface AWQModifierArgs extends ModifierArgs {
  mappings?: unknown;
  offload_device?: string | null;
  offloadDevice?: string | null;
  duo_scaling?: DuoScaling | string;
  duoScaling?: DuoScaling | string;
  n_grid?: number;
  nGrid?: number;
}

function parseDuoScaling(v: unknown): DuoScaling {
  if (v === true || v === false || v === 'both') return v;
  throw new FieldTypeError(`duo_scaling must be True, False, or 'both', got ${typeof v === 'string' ? `'${v}'` : JSON.stringify(v)}`);
}

function asNGrid(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new FieldTypeError('Input should be a valid integer');
}

/** One mapping's search, as upstream's `_error_metrics` entry (plus the chosen candidate). */
export interface AwqErrorMetric {
  layerName: string;
  parentName: string;
  initialError: number;
  bestError: number;
  reduction: number;
  ratio: number;
  duoScaling: boolean;
  history: SearchResult['history'];
}

export class AWQModifier extends CalibrationModifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field<AWQMappingSpec[] | null>('mappings', 'mappings', null, parseAwqMappings, dumpAwqMappings),
    field<string | null>('offload_device', 'offloadDevice', null, (v) => (v === null || v === undefined ? null : String(v))),
    field<DuoScaling>('duo_scaling', 'duoScaling', true, parseDuoScaling),
    field<number>('n_grid', 'nGrid', 20, asNGrid),
  ];
  declare mappings: AWQMappingSpec[] | null;
  declare offloadDevice: string | null;
  declare duoScaling: DuoScaling;
  declare nGrid: number;

  #resolved: ResolvedAwqMapping[] = [];
  readonly #hooks = new HooksMixin();
  /** Parent name → its runner and the inputs cached this pass, one per batch. */
  readonly #parents = new Map<string, { runner: ParentRunner; inputs: Tensor[] }>();
  /** Smooth layer name → Σ|x| per channel and the token count. */
  readonly #stats = new Map<string, { sum: Float64Array; count: number }>();
  /** Per mapping, in the order smoothed (upstream's `_error_metrics`). */
  readonly errorMetrics: AwqErrorMetric[] = [];
  /** The scales folded in, by smooth layer name. */
  readonly appliedScales = new Map<string, Float64Array>();

  constructor(args: AWQModifierArgs = {}) {
    super(args);
  }

  get resolvedMappings(): readonly ResolvedAwqMapping[] {
    return this.#resolved;
  }

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    requireModel('AWQModifier', state?.model ?? kwargs.model);
    this.mappings ??= DEFAULT_AWQ_MAPPINGS.map((m) => ({ ...m, balanceLayers: [...m.balanceLayers] }));
    return true;
  }

  protected override onStart(state: State, _event: Event | null, kwargs: Kwargs): void {
    const model = requireModel('AWQModifier', state?.model ?? kwargs.model);
    this.#resolved = resolveAwqMappings(model, this.mappings ?? [], (m) => this.warn(m));
    if (this.duoScaling !== false) {
      for (const m of this.#resolved) {
        m.balanceLayers.forEach((l, i) => {
          if (attachedScheme(l)?.weights?.strategy === 'tensor') {
            throw new ValueError(`duo_scaling is only supported with per-channel quantization strategies (group or channel), but found TENSOR strategy on layer ${m.balanceNames[i]}. Please set duo_scaling=False or use a per-channel quantization strategy.`);
          }
        });
      }
    }
    this.#parents.clear();
    this.#stats.clear();
    for (const m of this.#resolved) {
      if (!this.#parents.has(m.parentName)) {
        const entry = { runner: parentRunner(model, m.parentName, m.parent), inputs: [] as Tensor[] };
        this.#parents.set(m.parentName, entry);
        this.#hooks.registerHook(entry.runner.inputLayer, (x) => void entry.inputs.push(x), 'forward_pre');
      }
      this.#hooks.registerHook(m.hookLayer, (x) => this.#observe(m.smoothName, x), 'forward_pre');
    }
  }

  #observe(name: string, x: Tensor): void {
    const ch = x.shape[x.shape.length - 1];
    let s = this.#stats.get(name);
    if (!s) this.#stats.set(name, (s = { sum: new Float64Array(ch), count: 0 }));
    const d = x.data;
    for (let i = 0; i < d.length; i++) s.sum[i % ch] += Math.abs(d[i]);
    s.count += d.length / ch;
  }

  protected override onSubgraphEnd(covered: (name: string) => boolean): void {
    for (const m of this.#resolved) {
      const stats = this.#stats.get(m.smoothName);
      if (!stats || !covered(m.smoothName) || !m.balanceNames.every(covered)) continue;
      this.#stats.delete(m.smoothName);
      const parent = this.#parents.get(m.parentName)!;
      const reference = parent.inputs.map((x) => parent.runner.run(x));
      if (reference.every((r) => r.size === 0)) continue;
      if (!reference.every((r) => r.data.every(Number.isFinite))) {
        this.warn(`Skipping smooth_layer ${m.smoothName}, NaN or inf outputs found during forward pass of the parent module ${m.parentName}. The model is either generating NaN output with provided calibration data set, or the mappings are incorrectly set and modifying the model in undesired ways. If you encounter this consistently, raise an issue at https://github.com/vllm-project/llm-compressor/issues`);
        continue;
      }
      const result = computeBestScales({
        balance: m.balanceLayers.map((layer) => ({ layer, args: attachedScheme(layer)?.weights ?? null })),
        xSum: stats.sum, tokens: stats.count, inputs: parent.inputs, run: parent.runner.run,
        nGrid: this.nGrid, duoScaling: this.duoScaling, warn: (w) => this.warn(w),
      });
      this.#fold(m, result.scales);
      this.recordEffect('awq.smooth', { module: m.smoothName, message: `AWQ grid search for ${m.smoothName}: initial error = ${result.initialError.toExponential(3)}, best error = ${result.bestError.toExponential(3)}` });
      this.errorMetrics.push({
        layerName: m.smoothName, parentName: m.parentName, initialError: result.initialError, bestError: result.bestError,
        reduction: result.initialError > 0 ? result.bestError / result.initialError : 1, ratio: result.ratio, duoScaling: result.duo, history: result.history,
      });
      this.appliedScales.set(m.smoothName, result.scales);
    }
    for (const p of this.#parents.values()) p.inputs.length = 0;
    this.#stats.clear(); // covered ones are consumed; the rest were seen before their own subgraph's pass
  }

  /** `_smooth`: balance W[:, j]·s_j; the smooth layer's weight (and bias) / s (a Linear: its last s.length rows). */
  #fold(m: ResolvedAwqMapping, s: Float64Array): void {
    for (const l of m.balanceLayers) {
      const w = l.weight, ch = w.shape[1];
      const out = Tensor.zeros(w.shape, w.dtype);
      for (let i = 0; i < w.size; i++) out.data[i] = w.data[i] * s[i % ch];
      l.weight = out;
    }
    const smooth = m.smoothLayer as { weight: Tensor; bias?: Tensor | null };
    const w = smooth.weight;
    const out = new Tensor(w.data.slice(), w.shape);
    if (w.shape.length === 1) for (let j = 0; j < w.size; j++) out.data[j] = w.data[j] / s[j];
    else {
      const cols = w.shape[1], first = w.shape[0] - s.length;
      for (let r = 0; r < s.length; r++) for (let c = 0; c < cols; c++) out.data[(first + r) * cols + c] /= s[r];
    }
    smooth.weight = out;
    if (smooth.bias) {
      const b = new Tensor(smooth.bias.data.slice(), smooth.bias.shape);
      for (let j = 0; j < b.size; j++) b.data[j] /= s[j];
      smooth.bias = b;
    }
  }

  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    if (this.#stats.size !== 0) throw new RuntimeError('Some cached activations were not used');
    this.#hooks.removeHooks();
  }

  protected override onFinalize(state: State, kwargs: Kwargs): boolean {
    super.onFinalize(state, kwargs);
    this.#parents.clear();
    this.#stats.clear();
    this.#resolved = [];
    return true;
  }
}
