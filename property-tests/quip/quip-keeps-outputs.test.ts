/**
 * QuIP's transforms keep the model's outputs (issue 11: "logits unchanged up to float error"): on random small
 * Llama shapes, every transform type, any non-empty subset and order of rotations, block sizes that divide every
 * Linear dimension, and any seed, the logits after QuIPModifier equal those before up to float32 rounding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuIPModifier } from '../../src/modifiers/quip/index.ts';
import { createSession } from '../../src/lifecycle/session.ts';
import { oneshot } from '../../src/sim/oneshot.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';

describe('QuIP keeps the outputs', () => {
  it('on random small models, transform types, rotations, block sizes and seeds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 32), fc.constantFrom(1, 2, 3), fc.constantFrom('hadamard', 'random-hadamard', 'random-matrix'),
        fc.constantFrom(['v'], ['u'], ['v', 'u'], ['u', 'v']), fc.constantFrom(null, 8), fc.integer({ min: 0, max: 1000 }),
        (dim, hiddenMul, transformType, rotations, blockSize, seed) => {
          // random-hadamard needs a multiple of 4 unless a power of two: 16·3 = 48 = 3·16 works, hadamard needs 2^k
          const hiddenDim = transformType === 'hadamard' && hiddenMul === 3 ? dim * 2 : dim * hiddenMul;
          const model = createSyntheticModel({ seed, dim, hiddenDim, layers: 1, heads: 2, kvHeads: 1, vocab: 32 });
          const tokens = [1, 5, 9, 30, 2, 17];
          const before = model.forward(tokens).data;
          const m = new QuIPModifier({ transform_type: transformType, rotations, transform_block_size: blockSize });
          createSession(() => oneshot({ model, recipe: [m], calibrationData: [tokens], seed }));
          const after = model.forward(tokens).data;
          let scale = 0;
          let diff = 0;
          for (let i = 0; i < before.length; i++) {
            scale = Math.max(scale, Math.abs(before[i]));
            diff = Math.max(diff, Math.abs(before[i] - after[i]));
          }
          expect(diff).toBeLessThanOrEqual(1e-4 * scale);
        },
      ),
      { numRuns: 25, seed: 5 },
    );
  });
});
