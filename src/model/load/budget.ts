/**
 * What a config asks for, counted without building anything: the number of tensors and of elements it
 * implies. Checked against what the weights file holds before a module is built, so a `config.json`
 * saying `num_hidden_layers: 1000000` beside one layer's weights is a named error, not an allocation
 * that runs until the process is killed.
 * @internal
 */
import { ValueError } from '../../core/errors.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import { getHeadDim, type ModelConfig } from '../config.ts';

export function configNeeds(config: ModelConfig): { tensors: number; elements: number } {
  const dim = config.hiddenSize, hd = getHeadDim(config), hidden = config.intermediateSize;
  const qDim = config.numAttentionHeads * hd, kvDim = config.numKeyValueHeads * hd;
  const perLayer = 2 * qDim * dim + 2 * kvDim * dim + 3 * hidden * dim + 2 * dim;
  const head = config.tieWordEmbeddings ? 0 : config.vocabSize * dim;
  return {
    tensors: 2 + 9 * config.numHiddenLayers + (config.tieWordEmbeddings ? 0 : 1),
    elements: config.vocabSize * dim + config.numHiddenLayers * perLayer + dim + head,
  };
}

/** Refuses a config that needs more tensors or elements than `tensors` hold (names both files). */
export function checkConfigFits(config: ModelConfig, tensors: ReadonlyMap<string, Tensor>, configFile: string, weightsFile: string): void {
  const needs = configNeeds(config);
  let elements = 0;
  for (const t of tensors.values()) elements += t.data.length;
  const says = `says hidden_size=${config.hiddenSize}, intermediate_size=${config.intermediateSize}, num_hidden_layers=${config.numHiddenLayers}, vocab_size=${config.vocabSize}`;
  if (needs.tensors > tensors.size) {
    throw new ValueError(`${configFile}: ${says}, which needs ${needs.tensors} tensors; ${weightsFile} holds ${tensors.size}`);
  }
  if (needs.elements > elements) {
    throw new ValueError(`${configFile}: ${says}, which needs ${needs.elements} weights; ${weightsFile} holds ${elements}`);
  }
}
