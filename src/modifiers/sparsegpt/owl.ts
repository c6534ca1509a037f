/**
 * OWL, Outlier Weighed Layerwise sparsity (Yin et al. 2023), as LLM Compressor 0.12 infers it in
 * `SparsityModifierBase._infer_owl_layer_sparsity` when `sparsity_profile: owl`: layers with more
 * outliers in Wanda's |W|·‖X‖ score are pruned less, the spread set by `owl_lmbda` and the mean kept
 * at the target sparsity.
 *
 * 1. One calibration pass with only OWL's hooks on (every other HooksMixin hook disabled): each Linear
 *    whose name does not contain `lm_head` sums, per forward, `sqrt(Σ x²)` of each input channel over the
 *    batch and sequence, times 1/128 (upstream's fixed `nsamples`, whatever the data: a scale that cancels).
 * 2. Per decoder layer, the scores |W[o, i]|·a[i] of all its Linears together; its outlier ratio is
 *    100 × the share of scores above `owl_m` × their mean.
 * 3. Ratios r are rescaled to (r − min r) / (max r − min r) · 2λ, and layer k gets
 *    1 − (r_k − mean r + 1 − sparsity).
 */
import { ValueError } from '../../core/errors.ts';
import { HooksMixin, type HookHandle } from '../../model/hooksMixin.ts';
import type { Model } from '../../model/model.ts';
import type { Linear } from '../../model/modules.ts';
import type { Tensor } from '../../tensor/tensor.ts';

/** Upstream's `nsamples` in `_get_activations`: a constant, not the number of calibration samples. */
const NSAMPLES = 128;

export interface OwlSettings {
  sparsity: number;
  owlM: number;
  owlLmbda: number;
}

/** Adds one forward's input `x` (rows of `cols` channels) to a Linear's OWL norms: sqrt(Σ over rows of x²) / 128 per channel. */
export function addOwlNorms(norms: Float64Array, x: ArrayLike<number>, cols: number): void {
  const sums = new Float64Array(cols);
  for (let r = 0; r < x.length; r += cols) for (let c = 0; c < cols; c++) sums[c] += x[r + c] * x[r + c];
  for (let c = 0; c < cols; c++) norms[c] += Math.sqrt(sums[c]) / NSAMPLES;
}

/** Per input channel of each Linear (but `lm_head`), its OWL norms over one calibration pass with only OWL's hooks on. */
export function owlActivations(model: Model, calibration: readonly (readonly number[])[]): Map<string, Float64Array> {
  const acts = new Map<string, Float64Array>();
  const hooks = new HooksMixin();
  const handles: HookHandle[] = [];
  for (const [name, module] of model.namedModules()) {
    if (module.kind !== 'linear' || name.includes('lm_head')) continue;
    const hook = (x: Tensor) => {
      const cols = x.shape[x.shape.length - 1];
      let a = acts.get(name);
      if (!a) acts.set(name, (a = new Float64Array(cols)));
      addOwlNorms(a, x.data, cols);
    };
    handles.push(hooks.registerHook(module, hook, 'forward_pre'));
  }
  try {
    HooksMixin.disableHooks(handles, () => {
      for (const tokens of calibration) model.forward(tokens);
    });
  } finally {
    hooks.removeHooks();
  }
  return acts;
}

/** A Linear as OWL scores it: its weight (row-major, `cols` inputs) and its input norms. */
export interface OwlLinear {
  weight: ArrayLike<number>;
  cols: number;
  norms: Float64Array;
}

/** A layer's outlier ratio (percent): the share of its Linears' scores |W[o, i]|·a[i] above `owlM` × their mean. */
export function owlOutlierRatio(linears: readonly OwlLinear[], owlM: number): number {
  let sum = 0;
  let count = 0;
  for (const { weight, cols, norms } of linears) {
    for (let i = 0; i < weight.length; i++) sum += Math.abs(weight[i]) * norms[i % cols];
    count += weight.length;
  }
  const threshold = (sum / count) * owlM;
  let above = 0;
  for (const { weight, cols, norms } of linears) for (let i = 0; i < weight.length; i++) if (Math.abs(weight[i]) * norms[i % cols] > threshold) above++;
  return (100 * above) / count;
}

/** Layer sparsities from outlier ratios (step 3 above). */
export function owlSparsities(ratios: readonly number[], settings: OwlSettings): number[] {
  const min = Math.min(...ratios);
  const max = Math.max(...ratios);
  if (!(max > min)) {
    // Upstream divides by max − min here and prunes with NaN sparsities.
    throw new ValueError(`OWL: every layer has the same outlier ratio (${min.toFixed(4)}%), so its layer-wise sparsities are undefined (max − min = 0); give one sparsity instead`);
  }
  const scaled = ratios.map((r) => (r - min) * ((1 / (max - min)) * settings.owlLmbda * 2));
  const mean = scaled.reduce((a, b) => a + b, 0) / scaled.length;
  return scaled.map((r) => 1 - (r - mean + (1 - settings.sparsity)));
}

/** OWL's sparsity of each decoder layer, keyed by its name. */
export function owlLayerSparsity(model: Model, layers: readonly string[], calibration: readonly (readonly number[])[], settings: OwlSettings): Record<string, number> {
  const acts = owlActivations(model, calibration);
  const modules = model.namedModules();
  const ratios = layers.map((layer) => {
    const linears = (modules.filter(([name, m]) => m.kind === 'linear' && name.startsWith(`${layer}.`)) as Array<[string, Linear]>).map(([name, m]) => {
      const norms = acts.get(name);
      if (!norms) throw new ValueError(`OWL: no calibration data reached ${name}, so its outliers cannot be counted`);
      return { weight: m.weight.data, cols: m.weight.shape[1], norms };
    });
    if (linears.length === 0) throw new ValueError(`OWL: layer ${layer} has no Linear to score`);
    return owlOutlierRatio(linears, settings.owlM);
  });
  const sparsities = owlSparsities(ratios, settings);
  return Object.fromEntries(layers.map((name, i) => [name, sparsities[i]]));
}
