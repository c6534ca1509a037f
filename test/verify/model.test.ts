/**
 * The explorer's pure model against the real CompressionLifecycle: every explored state's shortest
 * path, and seeded random walks, replayed call by call on real ProbeModifiers, must give the same
 * state, the same error and the same hook calls at every step.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/tensor/rng.ts';
import { defaultConfig, parseConfig, probe, type VerifyConfig } from '../../src/verify/config.ts';
import { explore } from '../../src/verify/explore.ts';
import { LifecycleModel } from '../../src/verify/model.ts';
import { ObservedRun } from '../../src/verify/observe.ts';
import type { LifecycleCall } from '../../src/lifecycle/calls.ts';

const CONFIGS: Array<[string, VerifyConfig]> = [
  ['default three probes', defaultConfig('default')],
  ['reference three probes', defaultConfig('reference')],
  ['throwing hooks', parseConfig('steps: [0, 2]\nrecipe:\n  s_stage:\n    a_modifiers:\n      ProbeModifier: {start: 0, end: 2, raises_in: onEnd}\n    b_modifiers:\n      ProbeModifier: {start: 0, initialize_returns: false}\n', 'inline')],
  ['finalize false, onInitialize raises', { probes: [probe({ start: 1, finalizeReturns: false }), probe({ raisesIn: 'onInitialize' })], fidelity: 'default', steps: [1] }],
  ['onStart and onFinalize raise', { probes: [probe({ start: 0, raisesIn: 'onStart' }), probe({ end: 1, raisesIn: 'onFinalize' })], fidelity: 'reference', steps: [0, 1] }],
];

/** Replays calls on a real lifecycle and the model side by side; returns the first disagreement. */
function compare(config: VerifyConfig, model: LifecycleModel, calls: readonly LifecycleCall[]): string | null {
  const real = new ObservedRun(config.fidelity);
  let v = model.initial();
  for (const [i, c] of calls.entries()) {
    const m = model.step(v, c);
    const r = real.apply(c);
    const got = { error: r.error, hooks: r.hooks, view: r.after };
    const want = { error: m.error, hooks: m.hooks, view: model.view(m.next) };
    try {
      expect(got).toEqual(want);
    } catch {
      return `call ${i + 1} (${JSON.stringify(c)}): real ${JSON.stringify(got)} ≠ model ${JSON.stringify(want)}`;
    }
    v = m.next;
  }
  return null;
}

describe('the verify model agrees with the real lifecycle', () => {
  it.each(CONFIGS)('%s: on every explored state’s shortest path', (_, config) => {
    // Arrange
    const r = explore(config, { depth: 40, properties: [] });
    // Act
    const problems: string[] = [];
    for (let id = 0; id < r.states; id++) {
      const p = compare(config, r.model, r.pathTo(id));
      if (p) problems.push(p);
    }
    // Assert
    expect(r.complete).toBe(true);
    expect(problems.slice(0, 3)).toEqual([]);
  });

  it.each(CONFIGS)('%s: on seeded random walks of 40 calls', (name, config) => {
    const model = new LifecycleModel(config);
    const rng = new Rng(`verify-walks-${name}`);
    const problems: string[] = [];
    for (let walk = 0; walk < 30; walk++) {
      const calls = Array.from({ length: 40 }, () => model.calls[rng.int(model.calls.length)]);
      const p = compare(config, model, calls);
      if (p) problems.push(p);
    }
    expect(problems.slice(0, 3)).toEqual([]);
  });

  it('detects a disagreement (the comparison can fail)', () => {
    // A model of other probes than the real run uses must disagree somewhere.
    const config = defaultConfig('default');
    const other = new LifecycleModel({ ...config, probes: [probe({ start: 1 }), ...config.probes.slice(1)] });
    const calls: LifecycleCall[] = [{ call: 'initialize', options: { recipe: new LifecycleModel(config).recipe } }];
    expect(compare(config, other, calls)).toMatch(/call 1/);
  });
});
