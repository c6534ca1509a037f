/** A small synthetic model for fast behaviour tests. */
import { createSyntheticModel } from '../../src/model/index.ts';

export const small = (seed = 0) =>
  createSyntheticModel({ seed, dim: 64, hiddenDim: 128, layers: 2, heads: 4, kvHeads: 2, vocab: 96, outlierChannels: 2 });
