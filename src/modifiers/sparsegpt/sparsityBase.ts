/**
 * SparsityModifierBase (LLM Compressor 0.12 `pruning/sparsegpt/sgpt_base.py`), shared by SparseGPT and Wanda:
 * fields and validators, the target layers and their prunable Linears, a forward-pre hook per Linear that
 * feeds `calibrateModule`, and compression at each SEQUENTIAL_EPOCH_END of the modules it covers (weights
 * written at once, so later subgraphs calibrate on pruned outputs). Statistics of modules an epoch does not
 * cover are dropped: our forward runs the whole model, upstream's subgraph forward would not reach them.
 */
import type { Event } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import { warn as logWarning } from '../../core/logger.ts';
import { asOptionalNumber, asStringList, field, FieldTypeError, ModifierValidationError, type FieldSpecs } from '../../core/fields.ts';
import { ValueError } from '../../core/errors.ts';
import type { Linear } from '../../model/modules.ts';
import type { Model } from '../../model/model.ts';
import { HooksMixin } from '../../model/hooksMixin.ts';
import { match, matchesTarget } from '../../compressed-tensors/match.ts';
import { Tensor } from '../../tensor/tensor.ts';
import { Modifier, type Kwargs, type ModifierArgs } from '../modifier.ts';
import { requireModel } from '../_internals/requireModel.ts';
import { CalibrationModifier } from '../calibrationModifier.ts';
import { legacyTargetProblem } from '../_internals/legacyTargets.ts';
import { owlLayerSparsity } from './owl.ts';

export type Sparsity = number | number[] | Record<string, number> | null;

export interface SparsityModifierArgs extends ModifierArgs {
  sparsity?: Sparsity;
  sparsity_profile?: string | null;
  sparsityProfile?: string | null;
  mask_structure?: string;
  maskStructure?: string;
  owl_m?: number | null;
  owlM?: number | null;
  owl_lmbda?: number | null;
  owlLmbda?: number | null;
  sequential_update?: boolean | null;
  sequentialUpdate?: boolean | null;
  targets?: string | string[];
  ignore?: string | string[];
}

export const LM_HEAD_WARNING =
  '`lm_head` was previously auto-ignored by SparseGPT and Wanda modifiers and is not advised. Please add `re:.*lm_head` to your ignore list if this was unintentional';

function parseSparsity(v: unknown): Sparsity {
  if (v === null || v === undefined) return null;
  const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  if (ok(v)) return v as number;
  if (Array.isArray(v) && v.every(ok)) return [...(v as number[])];
  if (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every(ok)) return { ...(v as Record<string, number>) };
  throw new FieldTypeError('Input should be a valid number or a list of numbers');
}

function parseProfile(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const l = String(v).toLowerCase();
  if (l !== 'owl') throw new FieldTypeError("Please choose profile from ['owl']");
  return l;
}

function parseMaskStructure(v: unknown): string {
  if (typeof v === 'string' && /^\s*\d+\s*:\s*\d+\s*$/.test(v)) return v;
  throw new FieldTypeError(`mask_structure should be "N:M" with integers N and M, e.g. "2:4" or "0:0" (got ${JSON.stringify(v)})`);
}

/** `sequential_update=False` warns (deprecated) and becomes True, as upstream's validator does. */
function parseSequentialUpdate(v: unknown): boolean {
  if (!v) logWarning('`sequential_update=False` is no longer supported, setting sequential_update=True');
  return true;
}

export abstract class SparsityModifierBase extends CalibrationModifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field<Sparsity>('sparsity', 'sparsity', null, parseSparsity),
    field<string | null>('sparsity_profile', 'sparsityProfile', null, parseProfile),
    field<string>('mask_structure', 'maskStructure', '0:0', parseMaskStructure),
    field<number | null>('owl_m', 'owlM', null, asOptionalNumber),
    field<number | null>('owl_lmbda', 'owlLmbda', null, asOptionalNumber),
    field<boolean>('sequential_update', 'sequentialUpdate', false, parseSequentialUpdate),
    field<string[]>('targets', 'targets', ['Linear'], asStringList),
    field<string[]>('ignore', 'ignore', [], asStringList),
  ];

  declare sparsity: Sparsity;
  declare sparsityProfile: string | null;
  declare maskStructure: string;
  declare owlM: number | null;
  declare owlLmbda: number | null;
  declare sequentialUpdate: boolean;
  declare targets: string[];
  declare ignore: string[];

  protected readonly hooks = new HooksMixin();
  /** Prunable Linear name → its module and sparsity, after start. */
  protected readonly prunable = new Map<string, { module: Linear; sparsity: number }>();
  readonly #done = new Set<string>();
  /** SparseGPT's logged loss per module (Wanda logs none). */
  readonly losses = new Map<string, number>();

  constructor(args: SparsityModifierArgs = {}) {
    super(args);
    const cls = (this.constructor as { name: string }).name;
    if (!args || !('sparsity' in args)) throw new ModifierValidationError(cls, [{ field: 'sparsity', message: 'Field required' }]);
    const owl = [this.owlM !== null, this.owlLmbda !== null, this.sparsityProfile === 'owl'];
    if (owl.some(Boolean) && !owl.every(Boolean)) {
      throw new ModifierValidationError(cls, [{ field: '(model)', message: 'Must provide all of `profile="owl"`, `owl_m` and `owl_lmbda` or none' }]);
    }
  }

  /** [N, M] of `mask_structure` (0:0 is unstructured). */
  get pruneNM(): [number, number] {
    const [n, m] = this.maskStructure.split(':').map((s) => Number.parseInt(s, 10));
    return [n, m];
  }

  protected abstract calibrateModule(name: string, module: Linear, input: Tensor): void;
  /** Prune one calibrated module; returns the new weight values. */
  protected abstract compressModule(name: string, module: Linear, sparsity: number): Float64Array | null;
  /** Drop the statistics of modules not compressed this epoch. */
  protected abstract resetStatistics(): void;

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    const model = requireModel(this.constructor.name, state?.model ?? kwargs.model);
    for (const t of this.targets) {
      const problem = legacyTargetProblem(t);
      if (problem && t !== '__ALL_PRUNABLE__') throw new ValueError(`${this.constructor.name}: ${problem}`);
    }
    const decoderLayers = match(model, ['LlamaDecoderLayer']);
    if (this.sparsityProfile === 'owl') this.#inferOwlSparsity(model, decoderLayers.map(([name]) => name), state?.data?.calib);
    const layers = this.#targetLayers(model);
    if (this.sparsity !== null && typeof this.sparsity === 'object') {
      const count = Array.isArray(this.sparsity) ? this.sparsity.length : Object.keys(this.sparsity).length;
      if (count !== layers.length) {
        throw new ValueError(`${this.constructor.name} was initialized with ${count} sparsities values, but model has ${decoderLayers.length} target layers`);
      }
    }
    return true;
  }

  /**
   * `sparsity_profile: owl`: the sparsity becomes one value per decoder layer, by name (src/modifiers/sparsegpt/owl.ts),
   * from a calibration pass run here, in initialize, as upstream's. Those names are what the target layers are
   * then looked up by: with the default targets (`Linear`), the count check below refuses them, as upstream's does.
   */
  #inferOwlSparsity(model: Model, layers: string[], calib: unknown): void {
    const cls = this.constructor.name;
    if (!Array.isArray(calib) || calib.length === 0 || !calib.every((t) => Array.isArray(t))) {
      throw new ValueError(`${cls}: sparsity_profile 'owl' infers layer sparsities from calibration data, and the run has none`);
    }
    if (typeof this.sparsity !== 'number') throw new ValueError(`${cls}: sparsity_profile 'owl' needs one target sparsity, got ${JSON.stringify(this.sparsity)}`);
    const sparsities = owlLayerSparsity(model, layers, calib as number[][], { sparsity: this.sparsity, owlM: this.owlM!, owlLmbda: this.owlLmbda! });
    this.recordEffect('owl.sparsity', { target: this.sparsity, layers: sparsities });
    this.sparsity = sparsities;
  }

  /** `__ALL_PRUNABLE__` still expands here in 0.12 (deprecated): to Linear, the only prunable class we have. */
  #targetLayers(model: Model): Array<[string, ReturnType<Model['namedModules']>[number][1]]> {
    const targets = this.targets.flatMap((t) => {
      if (t !== '__ALL_PRUNABLE__') return [t];
      this.warn("__ALL_PRUNABLE__ is deprecated. Use explicit targets: ['Linear', 'Conv1d', 'Conv2d', 'Conv3d']");
      return ['Linear'];
    });
    return match(model, targets);
  }

  protected override onStart(state: State, _event: Event | null, kwargs: Kwargs): void {
    const model = requireModel(this.constructor.name, state?.model ?? kwargs.model);
    this.prunable.clear();
    this.#done.clear();
    this.#targetLayers(model).forEach(([layerName], index) => {
      const s = this.sparsity;
      const layerSparsity = s === null ? 0 : typeof s === 'number' ? s : Array.isArray(s) ? s[index] : s[layerName];
      // Upstream's KeyError: OWL's sparsities are named by decoder layer, the target layers by the targets.
      if (layerSparsity === undefined) throw new ValueError(`${this.constructor.name}: OWL gave no sparsity for target layer '${layerName}' (its sparsities name the decoder layers: target them)`);
      for (const [name, module] of model.namedModules()) {
        if (module.kind !== 'linear' || !(name === layerName || name.startsWith(`${layerName}.`))) continue;
        if (this.ignore.some((t) => matchesTarget(name, module, t))) continue;
        if (name.endsWith('lm_head')) this.warn(LM_HEAD_WARNING);
        if (this.prunable.has(name)) continue;
        this.prunable.set(name, { module, sparsity: layerSparsity });
        this.hooks.registerHook(module, (x) => {
          if (!this.#done.has(name)) this.calibrateModule(name, module, x);
        }, 'forward_pre');
      }
    });
  }

  protected override onSubgraphEnd(covered: (name: string) => boolean): void {
    for (const [name, { module, sparsity }] of this.prunable) {
      if (this.#done.has(name) || !covered(name)) continue;
      const w = this.compressModule(name, module, sparsity);
      if (!w) continue;
      this.#done.add(name);
      module.weight = new Tensor(module.weight.dtype === 'float32' ? Float32Array.from(w) : w, module.weight.shape);
    }
    this.resetStatistics();
  }

  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    this.hooks.removeHooks();
    for (const name of this.prunable.keys()) if (!this.#done.has(name)) this.warn(`${this.constructor.name}: ${name} saw no calibration data, so it was not pruned`);
  }
}
