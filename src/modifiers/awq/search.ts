/**
 * AWQ's scale search, pure (LLM Compressor 0.12 `AWQModifier._compute_best_scale`, Lin et al. arXiv
 * 2306.00978 §3.2): candidate scales s = x̄^r / (w̄^(1−r) + 1e-4) (duo) or x̄^r, floored at 1e-4 and divided by
 * sqrt(max(s)·min(s)); the grid of (ratio, duo) pairs; w̄, the per-input-channel mean of |W| normalised by its
 * quantization group's max. The loss of a candidate is the caller's (the parent's output MSE).
 */
import { RuntimeError } from '../../core/errors.ts';
import type { QuantizationArgs } from '../quantization/presets.ts';

export type DuoScaling = boolean | 'both';

/** `_get_grid_search_params`: True puts identity (0, no duo) first, then n_grid − 1 duo ratios. */
export function gridSearchParams(nGrid: number, duo: DuoScaling): Array<[ratio: number, duo: boolean]> {
  if (duo === 'both') {
    const n = Math.trunc(nGrid / 2);
    return Array.from({ length: n }, (_, i) => i / (n - 1)).flatMap((r): Array<[number, boolean]> => [[r, false], [r, true]]);
  }
  if (duo === false) return Array.from({ length: nGrid }, (_, i) => [i / (nGrid - 1), false]);
  return [[0, false], ...Array.from({ length: nGrid - 1 }, (_, i) => [i / (nGrid - 2), true] as [number, boolean])];
}

export interface BalanceWeight {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
  /** The weight scheme attached to the layer; layers without one are left out of the mean (upstream warns). */
  args: QuantizationArgs | null;
}

/**
 * `_compute_layer_means`: |W| divided by (its chunk's max + 1e-6), a chunk being what one scale covers (the
 * whole tensor, a row, or a group of consecutive columns), summed over every row of every layer and divided by
 * the row count: one value per input channel.
 */
export function layerMeans(layers: readonly BalanceWeight[], warn: (m: string) => void): Float64Array {
  const cols = layers[0]?.cols ?? 0;
  const sum = new Float64Array(cols);
  let count = 0;
  for (const l of layers) {
    if (!l.args) {
      warn("Unable to find quantization scheme for targeted layer <class 'torch.nn.modules.linear.Linear'>, skipping");
      continue;
    }
    const n = l.rows * l.cols;
    const layerSum = new Float64Array(cols); // per layer, then added: upstream's order of summation
    const chunk = l.args.strategy === 'tensor' ? n : l.args.strategy === 'group' && l.args.groupSize !== null ? l.args.groupSize : l.cols;
    for (let c0 = 0; c0 < n; c0 += chunk) {
      const end = Math.min(n, c0 + chunk);
      let amax = 0;
      for (let i = c0; i < end; i++) amax = Math.max(amax, Math.abs(l.data[i]));
      const d = amax + 1e-6;
      for (let i = c0; i < end; i++) layerSum[i % l.cols] += Math.abs(l.data[i]) / d;
    }
    for (let j = 0; j < cols; j++) sum[j] += layerSum[j];
    count += l.rows;
  }
  for (let j = 0; j < cols; j++) sum[j] /= count; // no scheme anywhere: 0/0, NaN, and the candidates fall back to 1
  return sum;
}

/** One candidate's scales (float64); NaN or infinite entries become 1, as upstream's do. */
export function candidateScales(xMean: Float64Array, wMean: Float64Array | null, ratio: number, duo: boolean): Float64Array {
  const n = xMean.length;
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const v = duo ? Math.pow(xMean[j], ratio) / (Math.pow(wMean![j], 1 - ratio) + 1e-4) : Math.pow(xMean[j], ratio);
    s[j] = Number.isNaN(v) ? v : Math.max(v, 1e-4);
  }
  let max = -Infinity, min = Infinity;
  for (const v of s) {
    if (Number.isNaN(v) || Number.isNaN(max)) max = min = NaN;
    else {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
  }
  const norm = Math.sqrt(max * min);
  for (let j = 0; j < n; j++) {
    const v = s[j] / norm;
    s[j] = Number.isFinite(v) ? v : 1;
  }
  return s;
}

export interface SearchStep {
  ratio: number;
  duo: boolean;
  error: number;
}

export interface SearchResult {
  scales: Float64Array;
  ratio: number;
  duo: boolean;
  /** The first candidate's loss (identity scales when duo_scaling is True or False). */
  initialError: number;
  bestError: number;
  history: SearchStep[];
}

/** AWQ's "No finite loss" failure, upstream's text. */
export class NoFiniteLossError extends RuntimeError {
  constructor() {
    super('No finite loss was found in best scalesgrid search. This typically means NaN values are appearing in the forward pass of the parent module. If you encounter this error, raise an issue at https://github.com/vllm-project/llm-compressor/issues');
  }
}

/**
 * The grid search: each (ratio, duo) candidate scored by `loss`; the first strictly smallest wins.
 * @throws {NoFiniteLossError} when no candidate's loss is finite.
 */
export function searchBestScales(
  xMean: Float64Array, wMean: Float64Array | null, params: ReadonlyArray<[number, boolean]>, loss: (scales: Float64Array) => number,
): SearchResult {
  const history: SearchStep[] = [];
  let best: { scales: Float64Array; ratio: number; duo: boolean } | null = null;
  let bestError = Infinity;
  let initialError: number | null = null;
  for (const [ratio, duo] of params) {
    const scales = candidateScales(xMean, wMean, ratio, duo);
    const error = loss(scales);
    initialError ??= error;
    history.push({ ratio, duo, error });
    if (error < bestError) {
      bestError = error;
      best = { scales, ratio, duo };
    }
  }
  if (best === null) throw new NoFiniteLossError();
  return { ...best, initialError: initialError!, bestError, history };
}
