/**
 * SmoothQuantModifier (LLM Compressor 0.12 `transform/smoothquant/base.py`; scales in
 * tensor/kernels/smoothing.ts): per-channel min/max of each smooth layer's output over the calibration
 * batches (observed as the first balance Linear's input, which is that output), then at the
 * SEQUENTIAL_EPOCH_END covering it: balance weights W[:, j]·s_j and the smooth (RMSNorm) weight / s_j, which
 * leaves the float model's outputs unchanged and moves activation outliers into the weights.
 */
import type { Event } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import { ValueError } from '../../core/errors.ts';
import { asOptionalNumber, asStringList, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import { HooksMixin } from '../../model/hooksMixin.ts';
import { Tensor } from '../../tensor/tensor.ts';
import { smoothingScales, type SmoothingAlgorithm } from '../../tensor/ops.ts';
import { Modifier, type Kwargs, type ModifierArgs } from '../modifier.ts';
import { requireModel } from '../_internals/requireModel.ts';
import { CalibrationModifier } from '../calibrationModifier.ts';
import {
  DEFAULT_SMOOTHQUANT_MAPPINGS, dumpMappings, parseMappings, resolveMappings, type ResolvedSmoothQuantMapping, type SmoothQuantMappingSpec,
} from './mappings.ts';

export interface SmoothQuantModifierArgs extends ModifierArgs {
  smoothing_strength?: number;
  smoothingStrength?: number;
  mappings?: unknown;
  ignore?: string | string[] | null;
  num_calibration_steps?: number | null;
  numCalibrationSteps?: number | null;
  calibration_function?: null;
  calibrationFunction?: null;
  algorithm?: SmoothingAlgorithm;
}

const asAlgorithm = (v: unknown): SmoothingAlgorithm => {
  if (v === 'smoothquant' || v === 'log_equalization') return v;
  throw new FieldTypeError("Input should be 'smoothquant' or 'log_equalization'");
};
const asStrength = (v: unknown): number => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new FieldTypeError('Input should be a valid number');
};
const noCallable = (v: unknown): null => {
  if (v === null || v === undefined) return null;
  throw new FieldTypeError('calibration_function (a Python callable) cannot be given in a recipe to llmc-sim');
};

export class SmoothQuantModifier extends CalibrationModifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field<number>('smoothing_strength', 'smoothingStrength', 0.5, asStrength),
    field<SmoothQuantMappingSpec[] | null>('mappings', 'mappings', null, parseMappings, dumpMappings),
    field<string[] | null>('ignore', 'ignore', null, (v) => (v === null || v === undefined ? null : asStringList(v))),
    field<number | null>('num_calibration_steps', 'numCalibrationSteps', null, asOptionalNumber),
    field<null>('calibration_function', 'calibrationFunction', null, noCallable),
    field<SmoothingAlgorithm>('algorithm', 'algorithm', 'smoothquant', asAlgorithm),
  ];
  declare smoothingStrength: number;
  declare mappings: SmoothQuantMappingSpec[] | null;
  declare ignore: string[] | null;
  declare numCalibrationSteps: number | null;
  declare calibrationFunction: null;
  declare algorithm: SmoothingAlgorithm;

  #resolved: ResolvedSmoothQuantMapping[] = [];
  readonly #stats = new Map<string, { min: Float64Array; max: Float64Array }>();
  readonly #hooks = new HooksMixin();
  /** The scales applied, by smooth layer name (for inspection and tests). */
  readonly appliedScales = new Map<string, Float64Array>();

  constructor(args: SmoothQuantModifierArgs = {}) {
    super(args);
  }

  get resolvedMappings(): readonly ResolvedSmoothQuantMapping[] {
    return this.#resolved;
  }

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    const cls = this.constructor.name;
    if (this.end !== null && this.end !== 0 && this.end !== -1) {
      throw new ValueError(`${cls} can only be applied during one-shot.  Expected end to be None or -1, got ${this.end}`);
    }
    if (this.start !== null && this.start !== 0 && this.start !== -1) {
      throw new ValueError(`${cls} can only be applied during one-shot. Expected start to be None or -1, got ${this.end}`);
    }
    if (state?.data?.calib === null || state?.data?.calib === undefined) {
      throw new ValueError(`${cls} requires a calibration dataset to be provided`);
    }
    const model = requireModel(cls, state?.model ?? kwargs.model);
    this.ignore ??= [];
    this.mappings ??= DEFAULT_SMOOTHQUANT_MAPPINGS.map((m) => ({ balanceLayers: [...m.balanceLayers], smoothLayers: m.smoothLayers }));
    this.#resolved = resolveMappings(model, this.mappings, this.ignore, (m) => this.warn(m));
    this.#stats.clear();
    return true;
  }

  protected override onStart(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    for (const m of this.#resolved) {
      this.#hooks.registerHook(m.balanceLayers[0], (x) => this.#observe(m.smoothName, x), 'forward_pre');
    }
  }

  #observe(name: string, x: Tensor): void {
    const ch = x.shape[x.shape.length - 1];
    let s = this.#stats.get(name);
    if (!s) this.#stats.set(name, (s = { min: new Float64Array(ch).fill(Infinity), max: new Float64Array(ch).fill(-Infinity) }));
    const d = x.data;
    for (let i = 0; i < d.length; i++) {
      const j = i % ch;
      if (d[i] < s.min[j]) s.min[j] = d[i];
      if (d[i] > s.max[j]) s.max[j] = d[i];
    }
  }

  protected override onSubgraphEnd(covered: (name: string) => boolean): void {
    for (const m of this.#resolved) {
      const s = this.#stats.get(m.smoothName);
      if (!s || !covered(m.smoothName)) continue;
      this.recordEffect('smoothquant.smooth', { module: m.smoothName, message: `Smoothing with ${m.smoothName}` });
      const ch = s.min.length;
      const scales = smoothingScales(s.min, s.max, m.balanceLayers.map((l) => ({ data: l.weight.data, rows: l.weight.shape[0] })), this.smoothingStrength, this.algorithm);
      for (const layer of m.balanceLayers) {
        const w = layer.weight;
        const out = Tensor.zeros(w.shape, w.dtype);
        for (let i = 0; i < w.size; i++) out.data[i] = w.data[i] * scales[i % ch];
        layer.weight = out;
      }
      const sw = m.smoothLayer.weight as Tensor;
      const outS = Tensor.zeros(sw.shape, sw.dtype);
      for (let i = 0; i < sw.size; i++) outS.data[i] = sw.data[i] / scales[i];
      (m.smoothLayer as { weight: Tensor }).weight = outS;
      this.appliedScales.set(m.smoothName, scales);
    }
    this.#stats.clear(); // covered ones are applied; the rest were seen before their own subgraph's pass
  }

  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    this.#hooks.removeHooks();
  }
}
