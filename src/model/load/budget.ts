/**
 * A config checked against the weights file before a module is built, one implied tensor at a time, so
 * a `config.json` saying `num_hidden_layers: 1000000` beside one layer's weights is a named error after
 * ten lookups, not a list of nine million names and modules that runs until the process is killed.
 * @internal
 */
import { ValueError } from '../../core/errors.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import type { ModelConfig } from '../config.ts';
import { eachExpectedTensor } from '../build.ts';

/**
 * Refuses a config that needs a tensor `tensors` lack or have in another shape, stopping at the first one (the names a
 * config implies are never all listed first): the message names the tensor, and the layer count when
 * config.json asks for more layers than the weights hold.
 */
export function checkConfigFits(config: ModelConfig, tensors: ReadonlyMap<string, Tensor>, configFile: string, weightsFile: string): void {
  for (const [name, shape] of eachExpectedTensor(config)) {
    const t = tensors.get(name);
    if (t && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      throw new ValueError(`${weightsFile}: tensor '${name}' has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    if (t) continue;
    const layer = /^model\.layers\.(\d+)\./.exec(name);
    const hint = layer && Number(layer[1]) > 0 ? `; ${configFile} says num_hidden_layers=${config.numHiddenLayers}, the weights stop at layer ${Number(layer[1]) - 1}` : '';
    throw new ValueError(`${weightsFile}: missing tensor '${name}' (expected shape [${shape.join(', ')}])${hint}`);
  }
}
