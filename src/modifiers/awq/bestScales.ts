/**
 * `_compute_best_scale` on given layers (LLM Compressor 0.12): the loss of a candidate s is the MSE between
 * the parent's float outputs and its outputs with every scheme-carrying balance layer's weight set to
 * Q(W·s)/s — Q the scheme's round-to-nearest with min-max (memoryless) scales, X left as cached (the s⁻¹ on
 * the input is fused into the weight, as upstream does). Balance layers without a weight scheme keep W.
 */
import type { Linear } from '../../model/modules.ts';
import { Tensor } from '../../tensor/tensor.ts';
import { quantizeWeight } from '../quantization/base.ts';
import type { QuantizationArgs } from '../quantization/presets.ts';
import { gridSearchParams, layerMeans, searchBestScales, type DuoScaling, type SearchResult } from './search.ts';

export interface BestScalesInput {
  /** The balance layers and the weight scheme attached to each (null: none). */
  balance: ReadonlyArray<{ layer: Linear; args: QuantizationArgs | null }>;
  /** Σ|x| per input channel and the number of tokens summed. */
  xSum: Float64Array;
  tokens: number;
  /** The parent's cached inputs (one per batch) and its forward under the layers' current weights. */
  inputs: readonly Tensor[];
  run: (x: Tensor) => Tensor;
  nGrid: number;
  duoScaling: DuoScaling;
  warn: (m: string) => void;
}

/** The search's result; the balance layers' weights are restored to what they were. */
export function computeBestScales(input: BestScalesInput): SearchResult {
  const { balance, inputs, run } = input;
  const reference = inputs.map((x) => run(x));
  const xMean = input.xSum.map((v) => v / input.tokens);
  const layers = balance.map(({ layer, args }) => ({ layer, args, orig: layer.weight }));
  const wMean = input.duoScaling === false
    ? null
    : layerMeans(layers.map(({ orig, args }) => ({ data: orig.data, rows: orig.shape[0], cols: orig.shape[1], args })), input.warn);
  const loss = awqLoss(layers, inputs, reference, run);
  try {
    return searchBestScales(xMean, wMean, gridSearchParams(input.nGrid, input.duoScaling), loss);
  } finally {
    for (const { layer, orig } of layers) layer.weight = orig;
  }
}

/**
 * The loss of one candidate: each scheme-carrying layer's weight set to Q(orig·s)/s, the parent re-run on
 * every cached input, the MSE against `reference` over all elements. Leaves the candidate weights in place.
 */
export function awqLoss(
  layers: ReadonlyArray<{ layer: Linear; orig: Tensor; args: QuantizationArgs | null }>, inputs: readonly Tensor[], reference: readonly Tensor[], run: (x: Tensor) => Tensor,
): (scales: Float64Array) => number {
  return (scales) => {
    for (const { layer, orig, args } of layers) {
      if (!args) continue;
      const ch = orig.shape[1];
      const scaled = Tensor.zeros(orig.shape, orig.dtype);
      for (let i = 0; i < orig.size; i++) scaled.data[i] = orig.data[i] * scales[i % ch];
      const q = quantizeWeight(scaled, args).value;
      for (let i = 0; i < q.size; i++) q.data[i] /= scales[i % ch];
      layer.weight = q;
    }
    let sum = 0, n = 0;
    inputs.forEach((x, b) => {
      const out = run(x).data, ref = reference[b].data;
      for (let i = 0; i < out.length; i++) sum += (ref[i] - out[i]) ** 2;
      n += out.length;
    });
    return sum / n;
  };
}
