import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/lifecycle/session.ts';
import type { LifecycleRecord } from '../../src/core/records.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import { oneshot } from '../../src/sim/oneshot.ts';
import { SpinQuantModifier } from '../../src/modifiers/spinquant/index.ts';
import { useWarningCapture } from '../helpers/errors.ts';

const warnings = useWarningCapture();

describe('W3 (pipeline differs from the inferred one)', () => {
  it('is logged and recorded on records$ as an effect.warning, between initialize and the calibration events', () => {
    const records: LifecycleRecord[] = [];
    createSession((session) => {
      session.lifecycle.records$.subscribe((r) => records.push(r));
      const model = createSyntheticModel({ dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 32 });
      oneshot({ model, recipe: [new SpinQuantModifier({ centerEmbeddings: false })], pipeline: 'basic', calibrationData: [[1, 2, 3]] });
    });
    const text = 'Calibration pipeline is set to `basic`, but it is recommended to use `datafree`';
    expect(warnings()).toContain(text);
    const at = records.findIndex((r) => r.type === 'effect.warning' && r.code === 'W3' && r.message === text);
    expect(at).toBeGreaterThan(records.findIndex((r) => r.type === 'call.initialize'));
    expect(at).toBeLessThan(records.findIndex((r) => r.type === 'call.event'));
  });
});
