/**
 * Applying a TransformConfig to a model (compressed-tensors `transform/apply.py`, `factory/base.py`,
 * spinquant.md §7): for each scheme, each `apply` entry, each matching module, in order: size (T13, T14),
 * the scheme's shared matrix for that size (S4), then either fuse it into the weight (`weight_input`,
 * `weight_output`) or register an online hook (`input` first among pre-hooks, `output`, `q_attn`, `k_cache`)
 * and a transform module `<scheme>_<location>` under the module.
 *
 * Conventions (`T` = M, or Mᵀ when inverse for Hadamard types / M⁻¹ for random-matrix; `/√n` for Hadamard):
 * online `value·T`; Linear `weight_input` `W·Tᵀ`, `weight_output` `Tᵀ·W` (bias too, as a column);
 * Embedding `weight_input` `T·W`, `weight_output` `W·T`; block-wise when the dimension is a multiple of n.
 */
import type { Model } from '../../model/model.ts';
import type { Module, RemovableHandle } from '../../model/modules.ts';
import type { Rng } from '../../tensor/rng.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import { deterministicHadamard } from '../../tensor/hadamard/deterministic.ts';
import { randomHadamardBlock } from '../../tensor/hadamard/divisor.ts';
import { RandomHadamardSizeError } from '../../tensor/hadamard/errors.ts';
import { addModuleHook, type HookFn, type HookType } from '../../model/hooksMixin.ts';
import { match, TRANSFORM_BASE_CLASS } from '../match.ts';
import { isOnline, type TransformConfig, type TransformLocation, type TransformScheme } from './config.ts';
import {
  HeadDimDivisionError, TransformNeedsHeadDimError, TransformSizeError, UnknownTransformTypeError,
  UnsupportedTransformLocationError,
} from './errors.ts';
import {
  SchemeMatrices, TRANSFORM_TYPES, type RandomMatrixKind, applyMatrix, type TransformMatrix,
} from './matrices.ts';

/** One (scheme, apply entry, module) application, as planned or done. */
export interface TransformSite {
  schemeName: string;
  scheme: TransformScheme;
  location: TransformLocation;
  inverse: boolean;
  moduleName: string;
  module: Module;
  /** The transform size (the block size when `headDim` is set). */
  size: number;
  /** The dimension the transform multiplies (a multiple of `size`), or null for attention states. */
  dimension: number | null;
}

export interface ApplyTransformOptions {
  /** The random stream of a scheme (one per scheme name). */
  rngFor: (schemeName: string) => Rng;
  /** `random-matrix` draws: upstream's uniform (default here, as compressed-tensors) or orthogonal. */
  randomMatrix?: RandomMatrixKind;
  /** Extra text appended to size errors (T12, T14, T16, T17): which module, and what would work. */
  explain?: (site: Omit<TransformSite, 'size' | 'dimension'> & { size: number; dimension: number | null }) => string;
}

export interface AppliedTransforms {
  sites: TransformSite[];
  /** Online hooks added to the model (not HooksMixin hooks: pipelines' `disableHooks` leaves them on). */
  handles: RemovableHandle[];
  /** Names of the transform modules registered for online transforms. */
  modules: string[];
  matrices: Map<string, SchemeMatrices>;
}

/** The dimension a location multiplies, by module kind; null when the module has none (T13 without head_dim). */
function dimensionOf(module: Module, location: TransformLocation): number | null {
  const inputSide = location === 'input' || location === 'weight_input';
  if (module.kind === 'linear') return inputSide ? module.inFeatures : module.outFeatures;
  if (module.kind === 'embedding') return inputSide ? module.numEmbeddings : module.embeddingDim;
  return null;
}

/** `get_transform_size` (T13, T14). */
export function transformSize(module: Module, location: TransformLocation, headDim: number | null, detail: () => string = () => ''): number {
  const size = dimensionOf(module, location);
  if (size === null && headDim === null) throw new TransformNeedsHeadDimError(module);
  if (headDim !== null) {
    if (size !== null && size % headDim !== 0) throw new HeadDimDivisionError(headDim, size, module, location, detail());
    return headDim;
  }
  return size as number;
}

/** T15 unless the module kind supports the location. */
function checkLocation(module: Module, location: TransformLocation): void {
  const ok =
    (module.kind === 'linear' && location !== 'q_attn' && location !== 'k_cache') ||
    (module.kind === 'embedding' && (location === 'weight_input' || location === 'weight_output' || location === 'output')) ||
    (module.kind === 'attention' && (location === 'q_attn' || location === 'k_cache'));
  if (!ok) throw new UnsupportedTransformLocationError(module, location);
}

/** Throws what building a `type` matrix of size `n` would throw (T12, T16, T17), without drawing randomness. */
export function checkConstructible(type: string, n: number): void {
  if (!(TRANSFORM_TYPES as readonly string[]).includes(type)) throw new UnknownTransformTypeError(type);
  if (type === 'hadamard') deterministicHadamard(n);
  else if (type === 'random-hadamard' && randomHadamardBlock(n) === null) throw new RandomHadamardSizeError(n);
}

function withDetail<T>(site: Parameters<NonNullable<ApplyTransformOptions['explain']>>[0], options: Pick<ApplyTransformOptions, 'explain'>, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TransformSizeError || e instanceof HeadDimDivisionError || !(e instanceof Error)) throw e;
    const code = (e as { code?: string }).code;
    const known = ['NonPositiveHadamardError', 'NonPowerOfTwoHadamardError', 'RandomHadamardSizeError'].includes(e.name) || code === 'T12' || code === 'T16' || code === 'T17';
    if (!known) throw e;
    throw new TransformSizeError(e, site.size, options.explain?.(site) ?? '');
  }
}

/**
 * Every site the config would touch, with sizes checked and every matrix checked for constructibility:
 * the errors `applyTransformConfig` would throw, thrown before the model changes.
 */
export function planTransformConfig(model: Model, config: TransformConfig, options: Pick<ApplyTransformOptions, 'explain'> = {}): TransformSite[] {
  const sites: TransformSite[] = [];
  for (const site of walkSites(model, config, options)) {
    withDetail(site, options, () => checkConstructible(site.scheme.type, site.size));
    checkLocation(site.module, site.location);
    sites.push(site);
  }
  return sites;
}

/**
 * Every (scheme, apply entry, matching module) site of `config`, in application order, with its
 * size checked (T13, T14). Planning and applying both walk this, so they agree site for site.
 */
function* walkSites(model: Model, config: TransformConfig, options: Pick<ApplyTransformOptions, 'explain'>): Generator<TransformSite> {
  for (const [schemeName, scheme] of Object.entries(config.configGroups)) {
    for (const args of scheme.apply) {
      for (const [moduleName, module] of match(model, args.targets, args.ignore)) {
        const dimension = dimensionOf(module, args.location);
        const base = { schemeName, scheme, location: args.location, inverse: args.inverse, moduleName, module, dimension };
        const detail = () => options.explain?.({ ...base, size: scheme.headDim ?? dimension ?? 0 }) ?? '';
        yield { ...base, size: transformSize(module, args.location, scheme.headDim, detail) };
      }
    }
  }
}

const TRANSFORM_CLASS: Record<string, string> = {
  hadamard: 'HadamardTransform',
  'random-hadamard': 'HadamardTransform',
  'random-matrix': 'RandomMatrixTransform',
};

/** Applies `config` to `model` in place (§7). */
export function applyTransformConfig(model: Model, config: TransformConfig, options: ApplyTransformOptions): AppliedTransforms {
  const out: AppliedTransforms = { sites: [], handles: [], modules: [], matrices: new Map() };
  for (const [schemeName, scheme] of Object.entries(config.configGroups)) {
    out.matrices.set(schemeName, new SchemeMatrices(scheme.type, options.rngFor(schemeName), options.randomMatrix));
  }
  for (const site of walkSites(model, config, options)) {
    const online = isOnline(site.location);
    const matrices = out.matrices.get(site.schemeName) as SchemeMatrices;
    const mat = withDetail(site, options, () => matrices.get(site.size, online ? site.scheme.precision : 'float64'));
    checkLocation(site.module, site.location);
    if (online) applyOnline(model, site, mat, out);
    else fuseIntoWeight(site, mat);
    out.sites.push(site);
  }
  return out;
}

function fuseIntoWeight(site: TransformSite, mat: TransformMatrix): void {
  const { module, location, inverse } = site;
  if (module.kind === 'linear') {
    if (location === 'weight_input') module.weight = applyMatrix(module.weight, mat, { side: 'rows', transposed: true, inverse });
    else {
      module.weight = applyMatrix(module.weight, mat, { side: 'columns', transposed: true, inverse });
      if (module.bias) {
        const b = module.bias;
        module.bias = applyMatrix(b.reshape([b.size, 1]), mat, { side: 'columns', transposed: true, inverse }).reshape(b.shape);
      }
    }
  } else if (module.kind === 'embedding') {
    module.weight = location === 'weight_input' ? applyMatrix(module.weight, mat, { side: 'columns', inverse }) : applyMatrix(module.weight, mat, { side: 'rows', inverse });
  } else {
    throw new UnsupportedTransformLocationError(module, location);
  }
}

const HOOK_TYPE: Partial<Record<TransformLocation, HookType>> = {
  input: 'forward_pre',
  output: 'forward',
  q_attn: 'query',
  k_cache: 'key',
};

function applyOnline(model: Model, site: TransformSite, mat: TransformMatrix, out: AppliedTransforms): void {
  const { module, location, inverse, schemeName, moduleName } = site;
  const hookType = HOOK_TYPE[location] as HookType;
  const cls = TRANSFORM_CLASS[site.scheme.type] ?? 'TransformBase';
  const localName = `${schemeName}_${location}`;
  model.registerModule(moduleName, localName, cls, {
    classChain: [cls, TRANSFORM_BASE_CLASS, 'Module'],
    data: { scheme: schemeName, type: site.scheme.type, location, inverse, size: site.size, dtype: mat.dtype },
  });
  out.modules.push(`${moduleName}.${localName}`);
  const hook: HookFn = (value: Tensor) => applyMatrix(value, mat, { side: 'rows', inverse });
  out.handles.push(addModuleHook(module, hook, hookType, { prepend: location === 'input' }));
}
