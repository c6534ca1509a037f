/**
 * QuIPModifier (LLM Compressor 0.12 `modifiers/transform/quip/base.py`; QuIP / QuIP#'s incoherence
 * processing): around every targeted Linear, a V rotation on the input side and a U rotation on the output
 * side, each half fused into the weight and half applied online, so the outputs are unchanged in exact
 * arithmetic and a following quantizer sees rotated weights with a smaller dynamic range.
 * - initialize: the TransformConfig (`v`: online `input` + fused `weight_input` inverse; `u`: fused
 *   `weight_output` + online `output` inverse), unless `transform_config` is given; sizes are checked then;
 * - start (CALIBRATION_EPOCH_START): untie the embeddings if a transform targets one, apply the config
 *   (compressed-tensors/transform/apply.ts, the same code as SpinQuant's).
 */
import type { Event } from '../../core/events.ts';
import { isTruthy } from '../../core/python.ts';
import type { State } from '../../core/state.ts';
import { asStringList, field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import type { Model } from '../../model/model.ts';
import { Rng } from '../../tensor/rng.ts';
import { match } from '../../compressed-tensors/match.ts';
import { applyTransformConfig, planTransformConfig, type AppliedTransforms } from '../../compressed-tensors/transform/apply.ts';
import {
  dumpPrecision, dumpTransformConfig, parsePrecision, parseTransformConfigAt, type Precision, type TransformArgs,
  type TransformConfig, type TransformScheme,
} from '../../compressed-tensors/transform/config.ts';
import { Modifier, type Kwargs, type ModifierArgs } from '../modifier.ts';
import { CalibrationModifier } from '../calibrationModifier.ts';
import { requireModel } from '../_internals/requireModel.ts';

export type QuIPRotation = 'v' | 'u';
export type QuIPTransformType = 'hadamard' | 'random-hadamard' | 'random-matrix';
const TYPES: readonly QuIPTransformType[] = ['hadamard', 'random-hadamard', 'random-matrix'];

/** `randomize`/`learnable`: truthy → upstream's NotImplementedError text. */
function notSupported(name: string) {
  return (v: unknown): boolean => {
    if (isTruthy(v)) throw new FieldTypeError(`${name} is not supported right now`);
    return false;
  };
}

/** A list lower-cased entry by entry (upstream's `validate_lowercase_list`), each 'v' or 'u'. */
function parseRotations(v: unknown): QuIPRotation[] {
  if (!Array.isArray(v)) throw new FieldTypeError(`Input should be a valid list (got ${JSON.stringify(v)})`);
  return v.map((x, i) => {
    const l = typeof x === 'string' ? x.toLowerCase() : x;
    if (l !== 'v' && l !== 'u') throw new FieldTypeError("Input should be 'v' or 'u'", String(i));
    return l;
  });
}

function parseTransformType(v: unknown): QuIPTransformType {
  if (typeof v === 'string' && (TYPES as readonly string[]).includes(v)) return v as QuIPTransformType;
  throw new FieldTypeError("Input should be 'hadamard', 'random-hadamard' or 'random-matrix'");
}

function parseBlockSize(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new FieldTypeError(`Input should be a valid integer (got ${JSON.stringify(v)})`);
}

const parseConfig = (v: unknown): TransformConfig | null => (v === null || v === undefined ? null : parseTransformConfigAt(v, ''));

export class QuIPModifier extends CalibrationModifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field<QuIPRotation[]>('rotations', 'rotations', ['v', 'u'], parseRotations),
    field<QuIPTransformType>('transform_type', 'transformType', 'random-hadamard', parseTransformType),
    field<string[]>('targets', 'targets', ['Linear'], asStringList),
    field<boolean>('randomize', 'randomize', false, notSupported('randomize')),
    field<boolean>('learnable', 'learnable', false, notSupported('learnable')),
    field<Precision>('precision', 'precision', 'float64', parsePrecision, dumpPrecision),
    field<number | null>('transform_block_size', 'transformBlockSize', null, parseBlockSize),
    field<string[]>('ignore', 'ignore', ['lm_head'], asStringList),
    field<TransformConfig | null>('transform_config', 'transformConfig', null, parseConfig, (c) => (c === null ? null : dumpTransformConfig(c))),
  ];
  declare rotations: QuIPRotation[];
  declare transformType: QuIPTransformType;
  declare targets: string[];
  declare randomize: boolean;
  declare learnable: boolean;
  declare precision: Precision;
  declare transformBlockSize: number | null;
  declare ignore: string[];
  declare transformConfig: TransformConfig | null;

  /** The online hooks and transform modules, after start. */
  declare applied: AppliedTransforms | null;
  #runSeed = '0';

  constructor(args: ModifierArgs & Record<string, unknown> = {}) {
    super(args);
    this.applied = null;
  }

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    this.#runSeed = kwargs.seed == null ? '0' : String(kwargs.seed);
    const model = modelOf(state, kwargs);
    if (this.transformConfig === null) this.transformConfig = this.#createConfig();
    planTransformConfig(model, this.transformConfig);
    return true;
  }

  protected override onStart(state: State, _event: Event | null, kwargs: Kwargs): void {
    const model = modelOf(state, kwargs);
    const config = this.transformConfig as TransformConfig;
    if (targetsEmbeddings(model, config)) model.untieWordEmbeddings();
    const position = this.recipePosition;
    this.applied = applyTransformConfig(model, config, {
      rngFor: (scheme) => new Rng(this.#runSeed).split(`modifier:${position}`).split(`scheme:${scheme}`),
      // QuIP's rotations must be orthogonal to keep the outputs; upstream's uniform draw is not (spinquant.md S8)
      randomMatrix: kwargs.fidelity === 'reference' ? 'uniform' : 'orthogonal',
    });
    this.recordEffect('quip.applied', { sites: this.applied.sites.map((s) => `${s.schemeName}:${s.location}:${s.moduleName}`) });
  }

  /** Upstream's SEQUENTIAL_EPOCH_END branch is `pass`: everything happened at start. */
  protected onSubgraphEnd(): void {}

  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {}

  /** `_create_config`: group `v` then `u`, as listed in `rotations`. */
  #createConfig(): TransformConfig {
    const args = (location: TransformArgs['location'], inverse: boolean): TransformArgs => ({ targets: [...this.targets], location, inverse, ignore: [...this.ignore] });
    const scheme = (apply: TransformArgs[]): TransformScheme => ({
      type: this.transformType,
      apply,
      randomize: this.randomize,
      requiresGrad: this.learnable,
      headDim: this.transformBlockSize,
      precision: this.precision,
    });
    const groups: Record<string, TransformScheme> = {};
    if (this.rotations.includes('v')) groups.v = scheme([args('input', false), args('weight_input', true)]);
    if (this.rotations.includes('u')) groups.u = scheme([args('weight_output', false), args('output', true)]);
    return { configGroups: groups };
  }
}

/** Upstream's `targets_embeddings`: does any apply entry match the input or output embedding? */
function targetsEmbeddings(model: Model, config: TransformConfig): boolean {
  const embeddings = [model.getModule('model.embed_tokens'), model.getModule('lm_head')].filter((m) => m !== undefined);
  for (const scheme of Object.values(config.configGroups))
    for (const a of scheme.apply) for (const [, module] of match(model, a.targets, a.ignore)) if (embeddings.includes(module)) return true;
  return false;
}

const modelOf = (state: State, kwargs: Kwargs): Model => requireModel('QuIPModifier', state?.model ?? kwargs.model, { forward: true });
