/**
 * SpinQuantModifier (LLM Compressor ≤ 0.12 `modifiers/transform/spinquant/base.py`, spinquant.md §2–§8):
 * rotates the model so quantization hurts less. `onInitialize` turns `rotations` into a TransformConfig of
 * groups R1…R4 (and checks, before anything changes, that the model can take them); `onStart` (at
 * CALIBRATION_EPOCH_START) unties the embeddings, centres them, fuses the norms and applies the config,
 * and reports the logit drift of centring and of the rotations.
 */
import type { Event } from '../../core/events.ts';
import { EventType } from '../../core/events.ts';
import { isTruthy } from '../../core/python.ts';
import type { State } from '../../core/state.ts';
import { getHeadDim } from '../../model/config.ts';
import type { Model } from '../../model/model.ts';
import { Rng } from '../../tensor/rng.ts';
import { asBool, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import { Modifier, type Kwargs, type ModifierArgs } from '../modifier.ts';
import { HooksMixin } from '../../model/hooksMixin.ts';
import { requireModel } from '../_internals/requireModel.ts';
import { applyTransformConfig, planTransformConfig, type AppliedTransforms } from '../../compressed-tensors/transform/apply.ts';
import {
  dumpPrecision, dumpTransformConfig, parseTransformConfigAt, parsePrecision, type Precision, type TransformConfig,
  type TransformScheme,
} from '../../compressed-tensors/transform/config.ts';
import { compareLogits, defaultProbe, probeLogits, type Drift, type DriftReport } from './drift.ts';
import { centeringChangedOutputs, MappingsRequiredError, NotSupportedAsOfNowError, ROTATION_CHOICES, TRANSFORM_TYPE_CHOICES } from './errors.ts';
import { centerEmbeddings, fuseNorms, untieWordEmbeddings } from './fuse.ts';
import {
  inferMappingFromModel, inferNormMappingFromModel, parseNormMappings, parseSpinQuantMapping, type NormMapping,
  type SpinQuantMapping,
} from './mappings.ts';
import { explainSite } from './explain.ts';

export type Rotation = 'R1' | 'R2' | 'R3' | 'R4';
export type SpinQuantTransformType = 'hadamard' | 'random-hadamard' | 'random-matrix';
const ROTATIONS: readonly Rotation[] = ['R1', 'R2', 'R3', 'R4'];
const TYPES: readonly SpinQuantTransformType[] = ['hadamard', 'random-hadamard', 'random-matrix'];

export interface SpinQuantModifierArgs extends ModifierArgs {
  rotations?: string[] | string;
  transformType?: SpinQuantTransformType;
  transform_type?: SpinQuantTransformType;
  randomize?: boolean;
  learnable?: boolean;
  precision?: string;
  transformBlockSize?: number | null;
  transform_block_size?: number | null;
  mappings?: unknown;
  normMappings?: unknown;
  norm_mappings?: unknown;
  transformConfig?: unknown;
  transform_config?: unknown;
  centerEmbeddings?: boolean;
  center_embeddings?: boolean;
  driftProbe?: number[] | null;
  drift_probe?: number[] | null;
}

/** `rotations`: each entry upper-cased, a bare string iterated character by character (S9), else T2. */
function parseRotations(v: unknown): Rotation[] {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'object' && !Array.isArray(v))) {
    throw new FieldTypeError(`Input should be a valid list (got ${JSON.stringify(v)})`);
  }
  const items = typeof v === 'string' ? [...v] : (v as unknown[]);
  return items.map((item, i) => {
    const up = typeof item === 'string' ? item.toUpperCase() : item;
    if (typeof up !== 'string' || !(ROTATIONS as readonly string[]).includes(up)) throw new FieldTypeError(ROTATION_CHOICES, String(i));
    return up as Rotation;
  });
}

function parseTransformType(v: unknown): SpinQuantTransformType {
  if (typeof v !== 'string' || !(TYPES as readonly string[]).includes(v)) throw new FieldTypeError(TRANSFORM_TYPE_CHOICES);
  return v as SpinQuantTransformType;
}

/** T4 (S10): a truthy `randomize`/`learnable` throws NotImplementedError from the validator. */
const notImplemented = (name: string) => (v: unknown): boolean => {
  if (isTruthy(v)) throw new NotSupportedAsOfNowError(name);
  return false;
};

function parseBlockSize(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  throw new FieldTypeError(`Input should be a positive integer or null (got ${JSON.stringify(v)})`);
}

function parseConfig(v: unknown): TransformConfig | null {
  if (v === null || v === undefined) return null;
  return parseTransformConfigAt(v, '');
}

function parseProbe(v: unknown): number[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) return [...v];
  throw new FieldTypeError(`Input should be a non-empty list of token ids (got ${JSON.stringify(v)})`);
}

const cloneConfig = (c: TransformConfig | null): TransformConfig | null => (c === null ? null : structuredClone(c));

export class SpinQuantModifier extends Modifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field<Rotation[]>('rotations', 'rotations', ['R1', 'R2'], parseRotations),
    field<SpinQuantTransformType>('transform_type', 'transformType', 'hadamard', parseTransformType),
    field<boolean>('randomize', 'randomize', false, notImplemented('randomize')),
    field<boolean>('learnable', 'learnable', false, notImplemented('learnable')),
    field<Precision>('precision', 'precision', 'float64', parsePrecision, dumpPrecision),
    field<number | null>('transform_block_size', 'transformBlockSize', null, parseBlockSize),
    field<SpinQuantMapping | null>('mappings', 'mappings', null, parseSpinQuantMapping, () => undefined),
    field<NormMapping[] | null>('norm_mappings', 'normMappings', null, parseNormMappings, () => undefined),
    field<TransformConfig | null>('transform_config', 'transformConfig', null, parseConfig, (c) => (c === null ? null : dumpTransformConfig(c))),
    field<boolean>('center_embeddings', 'centerEmbeddings', true, asBool, (v) => (v ? undefined : false)),
    field<number[] | null>('drift_probe', 'driftProbe', null, parseProbe, (v) => (v === null ? undefined : [...v])),
  ];

  declare rotations: Rotation[];
  declare transformType: SpinQuantTransformType;
  declare randomize: boolean;
  declare learnable: boolean;
  declare precision: Precision;
  declare transformBlockSize: number | null;
  declare mappings: SpinQuantMapping | null;
  declare normMappings: NormMapping[] | null;
  declare transformConfig: TransformConfig | null;
  declare centerEmbeddings: boolean;
  declare driftProbe: number[] | null;

  /** Online transform hooks and modules (R3, R4), after `onStart`. */
  declare applied: AppliedTransforms | null;
  /** The last drift report, after `onStart`. */
  declare drift: DriftReport | null;
  #runSeed = '0';
  #position = 0;
  readonly #hooks = new HooksMixin();

  constructor(args: SpinQuantModifierArgs = {}) {
    super(args);
    this.applied = null;
    this.drift = null;
  }

  /** The HooksMixin of this modifier (transform hooks are not in it: they stay on through `disableHooks`). */
  get hooksMixin(): HooksMixin {
    return this.#hooks;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    this.#runSeed = kwargs.seed == null ? '0' : String(kwargs.seed);
    this.#position = this.recipePosition;
    if (this.transformConfig !== null) return true; // S3
    const model = modelOf(state, kwargs);
    this.#inferMappings(model, kwargs.fidelity === 'reference');
    const headDim = getHeadDim(model.config);
    const config = this.#buildConfig(headDim);
    planTransformConfig(model, config, { explain: (site) => explainSite(site, this.transformType, this.transformBlockSize) });
    this.transformConfig = config;
    return true;
  }

  protected override onEvent(state: State, event: Event, kwargs: Kwargs): void {
    if (event.type === EventType.CALIBRATION_EPOCH_START) {
      this.startItself(state, kwargs);
    } else if (event.type === EventType.CALIBRATION_EPOCH_END) {
      this.endItself(state, kwargs);
    }
  }

  protected override onStart(state: State, _event: Event | null, kwargs: Kwargs): void {
    const model = modelOf(state, kwargs);
    const reference = kwargs.fidelity === 'reference';
    const probe = this.driftProbe ?? defaultProbe(model.config.vocabSize);
    const l0 = probeLogits(model, probe);

    // (1) untie
    untieWordEmbeddings(model, (m) => this.warn(m));
    // (2) centre
    if (this.centerEmbeddings) {
      if (this.mappings === null) {
        if (reference) throw new MappingsRequiredError();
        this.mappings = inferMappingFromModel(model.root.className, (m) => this.warn(m));
      }
      centerEmbeddings(model, this.mappings.embedding, (m) => this.warn(m));
    }
    const l1 = this.centerEmbeddings ? probeLogits(model, probe) : l0;
    // (3) fuse norms
    if (this.normMappings === null) {
      if (reference) throw new MappingsRequiredError();
      this.normMappings = inferNormMappingFromModel(model.root.className, (m) => this.warn(m));
    }
    fuseNorms(model, this.normMappings);
    // (4) transforms
    if (this.transformConfig !== null) {
      this.applied = applyTransformConfig(model, this.transformConfig, {
        rngFor: (scheme) => new Rng(this.#runSeed).split(`modifier:${this.#position}`).split(`scheme:${scheme}`),
        // S8: upstream's random-matrix is uniform [0, 1), not orthogonal; ours is orthogonal unless 'reference'.
        randomMatrix: reference ? 'uniform' : 'orthogonal',
        explain: (site) => explainSite(site, this.transformType, this.transformBlockSize),
      });
    }
    const l2 = probeLogits(model, probe);

    const centering: Drift = compareLogits(l0, l1);
    const rotations: Drift = compareLogits(l1, l2);
    this.drift = { probe: [...probe], centering, rotations };
    this.recordEffect('spinquant.drift', this.drift);
    if (this.centerEmbeddings && centering.maxAbs > 0) this.warn(centeringChangedOutputs(centering.maxAbs, centering.mse));
  }

  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {}

  protected override onFinalize(state: State, kwargs: Kwargs): boolean {
    this.endItself(state, kwargs);
    return true;
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** §4 / S2: 'reference' overwrites user mappings, 'default' fills only nulls. */
  #inferMappings(model: Model, overwrite: boolean): void {
    const cls = model.root.className;
    const warn = (m: string) => this.warn(m);
    if (overwrite || this.mappings === null) this.mappings = inferMappingFromModel(cls, warn);
    if (overwrite || this.normMappings === null) this.normMappings = inferNormMappingFromModel(cls, warn);
  }

  /** §6: groups in the order R1, R2, R3, R4 for the listed rotations. */
  #buildConfig(headDim: number): TransformConfig {
    const m = this.mappings as SpinQuantMapping;
    const scheme = (blockSize: number | null, apply: TransformScheme['apply']): TransformScheme => ({
      type: this.transformType,
      apply,
      randomize: this.randomize,
      requiresGrad: this.learnable,
      headDim: blockSize,
      precision: this.precision,
    });
    const args = (targets: string[], location: TransformScheme['apply'][number]['location'], inverse = false) => ({ targets, location, inverse, ignore: [] });
    const groups: Record<string, TransformScheme> = {};
    const want = new Set(this.rotations);
    if (want.has('R1')) {
      groups.R1 = scheme(this.transformBlockSize, [
        args([m.embedding, m.attnO, ...m.mlpOut], 'weight_output'),
        args([m.attnQ, m.attnK, m.attnV, ...m.mlpIn, m.lmHead], 'weight_input', true),
      ]);
    }
    if (want.has('R2')) groups.R2 = scheme(headDim, [args([m.attnV], 'weight_output'), args([m.attnO], 'weight_input', true)]);
    if (want.has('R3')) groups.R3 = scheme(headDim, [args([m.attn], 'q_attn'), args([m.attn], 'k_cache')]);
    if (want.has('R4')) groups.R4 = scheme(this.transformBlockSize, [args([...m.mlpOut], 'input'), args([...m.mlpOut], 'weight_input', true)]);
    return { configGroups: groups };
  }

  /** A copy of the transform config (null before initialize unless given). */
  get config(): TransformConfig | null {
    return cloneConfig(this.transformConfig);
  }
}

const modelOf = (state: State, kwargs: Kwargs): Model => requireModel('SpinQuantModifier', state?.model ?? kwargs.model, { forward: true });
