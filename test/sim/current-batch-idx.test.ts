import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/lifecycle/session.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import { oneshot } from '../../src/sim/oneshot.ts';
import { TestModifier } from '../helpers/testModifier.ts';
import type { Linear } from '../../src/model/modules.ts';
import { useWarningCapture } from '../helpers/errors.ts';

useWarningCapture();

describe('calibration forwards set state.currentBatchIdx (lifecycle.md §5, §9.2)', () => {
  for (const pipeline of ['basic', 'sequential'] as const) {
    it(`${pipeline}: every calibration forward sees its batch index`, () => {
      const model = createSyntheticModel({ dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 32 });
      const seen: number[] = [];
      createSession((session) => {
        const probe = model.getModule('model.layers.0.self_attn.q_proj') as Linear;
        const handle = probe.registerForwardPreHook(() => void seen.push(session.state.currentBatchIdx));
        oneshot({ model, recipe: [new TestModifier({})], pipeline, calibrationData: [[1, 2], [3, 4], [5, 6]] });
        handle.remove();
        expect(session.state.currentBatchIdx).toBe(2);
      });
      // basic: one pass of 3 batches; sequential: per subgraph (2) a calibration pass, then the propagation pass
      expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
      if (pipeline === 'basic') expect(seen).toEqual([0, 1, 2]);
    });
  }
});
