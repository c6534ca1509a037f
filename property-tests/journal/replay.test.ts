/**
 * Any recorded run replays identically, and record → replay → record gives the same bytes: for
 * random call sequences (refused calls, resets, optimizer steps included), in both fidelities.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { liveCall, readJournal, replayJournal, type DriverCall } from '../../src/log/index.ts';
import { lifecycleCall, type LifecycleCall as CallSpec } from '../arbitraries/lifecycleCall.ts';
import { journalBytes, RECIPE, smallHeader, smallModel } from '../../test/log/fixture.ts';
import type { Model } from '../../src/model/model.ts';

function driverCall(spec: CallSpec | { kind: 'optimizerStep'; step: number }, model: Model): DriverCall {
  switch (spec.kind) {
    case 'initialize': {
      const options: Record<string, unknown> = { recipe: spec.recipe ? RECIPE : null, model, optimizer: { name: 'SimulatedSGD', lr: 1e-3 } };
      if (spec.stepsPerEpoch !== undefined) options.stepsPerEpoch = spec.stepsPerEpoch;
      if (spec.batchesPerStep !== undefined) options.batchesPerStep = spec.batchesPerStep;
      return { call: 'initialize', options };
    }
    case 'event': {
      const options: Record<string, unknown> = {};
      if (spec.loss !== undefined) options.loss = spec.loss;
      if (spec.globalStep !== undefined) options.globalStep = spec.globalStep;
      return { call: 'event', type: spec.type as never, options };
    }
    case 'finalize':
      return { call: 'finalize', options: {} };
    case 'reset':
      return { call: 'reset' };
    case 'optimizerStep':
      return { call: 'optimizerStep', globalStep: spec.step };
  }
}

const spec = fc.oneof(
  { arbitrary: lifecycleCall({ maxStep: 6, zeroStepsPerEpoch: false }), weight: 8 },
  { arbitrary: fc.record({ kind: fc.constant('optimizerStep' as const), step: fc.integer({ min: 0, max: 6 }) }), weight: 1 },
);
const run = fc.record({
  seed: fc.integer({ min: 0, max: 3 }),
  fidelity: fc.constantFrom('default' as const, 'reference' as const),
  calls: fc.array(spec, { minLength: 1, maxLength: 30 }),
});

describe('journal replay (property)', () => {
  it('any recorded run replays identically, and re-recording its calls gives the same bytes', () => {
    fc.assert(
      fc.property(run, ({ seed, fidelity, calls }) => {
        const model = smallModel(seed);
        const header = smallHeader(seed, fidelity, model);
        // Every run starts initialized half the time, so sequences get past the start.
        const driver = calls.map((c) => driverCall(c, model));
        const bytes = journalBytes(header, driver);
        const journal = readJournal(bytes);
        expect(journal.damage).toBeNull();
        expect(journal.calls.length).toBe(driver.length);
        const r = replayJournal(journal);
        expect(r.divergence).toBeNull();
        expect(r.calls).toBe(driver.length);

        const model2 = smallModel(seed);
        const again = journal.calls.map((c) =>
          c.c.call === 'optimizerStep' ? ({ call: 'optimizerStep', globalStep: c.c.globalStep, lr: c.c.lr } as DriverCall) : liveCall(c.c, c.n, () => RECIPE, model2),
        );
        const bytes2 = journalBytes(smallHeader(seed, fidelity, model2), again);
        expect(Buffer.from(bytes2).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
