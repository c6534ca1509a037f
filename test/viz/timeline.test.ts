import { describe, expect, it } from 'vitest';
import { recordRecipeRun } from '../../src/viz/fromRecipe.ts';
import { buildTimeline, phaseAt } from '../../src/viz/timeline.ts';
import { scheduleFromRecords } from '../../src/viz/scheduleFromRecords.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import { phasesFromRecords } from '../helpers/records.ts';
import { TestModifier } from '../helpers/testModifier.ts';

const TRAINING = 'examples/training.yaml';

describe('buildTimeline', () => {
  const run = recordRecipeRun({ recipe: TRAINING, epochs: 3, stepsPerEpoch: 4, model: createSyntheticModel({ seed: 0 }) });
  const t = buildTimeline(run.records, run.schedule, { modelSparsity: run.modelSparsity });

  it('gives, at every position, the phase the records reach', () => {
    expect(t.steps).toBe(12);
    for (let p = 0; p <= t.steps; p++) {
      expect(t.tracks.map((tr) => phaseAt(tr, p))).toEqual(phasesFromRecords(run.records, t.tracks.length, p, t.steps));
    }
  });

  it('places starts, ends and update ticks on the schedule (epochs × steps per epoch)', () => {
    const [gradual, hold, mlp] = t.tracks;
    expect([gradual.startedAt, gradual.endedAt, gradual.updates]).toEqual([2, 8, [2, 4, 6, 8]]);
    expect([hold.startedAt, hold.endedAt]).toEqual([8, null]);
    expect([mlp.startedAt, mlp.endedAt, mlp.updates]).toEqual([4, 8, []]);
    expect(t.tracks.every((tr) => phaseAt(tr, t.steps) === 'finalized')).toBe(true);
    expect(t.tracks.every((tr) => tr.problem === null && tr.notStarted === null)).toBe(true);
  });

  it('says which call changed a phase', () => {
    const started = t.tracks[0].changes.find((c) => c.to === 'started')!;
    expect(started.cause).toMatchObject({ call: 'event', eventType: 'batch_start', hook: 'onStart' });
    expect(t.tracks[0].changes.at(-1)!.cause.call).toBe('finalize');
  });

  it('keeps the model sparsity only where it changed, rising with the pruning schedule', () => {
    const s = t.modelSparsity!;
    expect(s[0]).toEqual([0, 0]);
    for (let i = 1; i < s.length; i++) {
      expect(s[i][0]).toBeGreaterThan(s[i - 1][0]);
      expect(s[i][1]).toBeGreaterThan(s[i - 1][1]);
    }
  });

  it('recovers the same timeline from the records alone (a recorded run is just another source)', () => {
    const again = buildTimeline(run.records, scheduleFromRecords(run.records));
    expect(again.tracks.map((tr) => tr.segments)).toEqual(t.tracks.map((tr) => tr.segments));
    expect(again.tracks.map((tr) => tr.schedule)).toEqual(t.tracks.map((tr) => tr.schedule));
  });
});

describe('modifiers that never start are drawn and flagged, not errors', () => {
  const flagged = (modifiers: TestModifier[], fidelity: 'default' | 'reference' = 'default') => {
    const run = recordRecipeRun({ recipe: modifiers, epochs: 2, stepsPerEpoch: 4, model: null, fidelity });
    return buildTimeline(run.records, run.schedule).tracks.map((tr) => tr.notStarted?.kind ?? null);
  };

  it('start ≥ end', () => {
    expect(flagged([new TestModifier({ start: 1, end: 1 }), new TestModifier({ start: 1.5, end: 0.5 })])).toEqual(['start-not-before-end', 'start-not-before-end']);
  });

  it('start beyond the simulated run, and no start at all', () => {
    expect(flagged([new TestModifier({ start: 2 }), new TestModifier({ start: 1.75 }), new TestModifier({})])).toEqual(['start-beyond-run', null, 'no-start']);
  });

  it("the 'reference' fidelity quirk Q1 (start > 0 never starts)", () => {
    expect(flagged([new TestModifier({ start: 0.5 }), new TestModifier({ start: 0 })], 'reference')).toEqual(['fidelity-q1', null]);
  });

  it('onInitialize returning false', () => {
    expect(flagged([new TestModifier({ start: 1 }, { init: false })])).toEqual(['on-initialize-false']);
  });

  it('flags a schedule problem even when the text explains the run (start beyond the run names its last index)', () => {
    const run = recordRecipeRun({ recipe: [new TestModifier({ start: 5 })], epochs: 2, stepsPerEpoch: 4, model: null });
    expect(buildTimeline(run.records, run.schedule).tracks[0].notStarted!.text).toBe('schedule: start 5 is beyond the run (its last epoch index is 1.75)');
  });
});

describe('a run that fails mid-way', () => {
  it('ends the timeline at the error, which is listed (E14 after onInitialize returned false)', () => {
    const run = recordRecipeRun({ recipe: [new TestModifier({ start: 0 }, { init: false })], epochs: 2, stepsPerEpoch: 4, model: null });
    expect((run.stoppedBy as Error).name).toBe('ModifierUpdateUninitializedError');
    const t = buildTimeline(run.records, run.schedule);
    expect(t.errors).toEqual([{ position: 0, call: 'event', message: 'ModifierUpdateUninitializedError: Cannot update an uninitialized modifier' }]);
  });

  it('a recipe that cannot be read is the same named error as elsewhere', () => {
    expect(() => recordRecipeRun({ recipe: 'test/fixtures/no-such-recipe.yaml: [', epochs: 1, stepsPerEpoch: 1, model: null })).toThrow(/Recipe\w*Error|Could not parse/);
  });
});
