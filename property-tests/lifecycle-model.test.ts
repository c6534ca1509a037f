/**
 * Model-based test: random call sequences (fc.commands) on CompressionLifecycle with 1–3 test
 * modifiers, in both fidelities, against the independent model in model/referenceLifecycle.ts.
 * After every call: same accepted/rejected, same error class and exact text, same return value,
 * same lifecycle fields, same flags and phase of every modifier, same hook trace, same warnings.
 * Failures shrink to the shortest call sequence.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lifecycleCall, type LifecycleCall } from './arbitraries/lifecycleCall.ts';
import { lifecycleSetup, type LifecycleSetup } from './arbitraries/lifecycleSetup.ts';
import { ModelModifier, ReferenceLifecycle } from './model/referenceLifecycle.ts';
import { applyCall, createSubject, describeCall, errorOutcome, observe, type Outcome, type Subject } from './harness/subject.ts';
import { rejectedCallChangesNothing } from './laws/rejectedCallsChangeNothing.ts';

interface Model {
  lifecycle: ReferenceLifecycle;
  modifiers: ModelModifier[];
  trace: string[];
}

function createModel(setup: LifecycleSetup): Model {
  const trace: string[] = [];
  const modifiers = setup.modifiers.map((spec, i) => new ModelModifier(i, spec, trace));
  return { lifecycle: new ReferenceLifecycle(setup.fidelity, modifiers), modifiers, trace };
}

function modelOutcome(model: Model, call: LifecycleCall): Outcome {
  try {
    return { ok: true, value: model.lifecycle.apply(call) };
  } catch (e) {
    return errorOutcome(e);
  }
}

class CallCommand implements fc.Command<Model, Subject> {
  constructor(readonly call: LifecycleCall) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Subject): void {
    const before = { observed: observe(real), traceLength: real.trace.length };
    const got = applyCall(real, this.call);
    const want = modelOutcome(model, this.call);
    const after = { observed: observe(real), traceLength: real.trace.length };
    const where = describeCall(this.call);

    expect(got.ok, `${where}: accepted?`).toBe(want.ok);
    if (!got.ok && !want.ok) {
      expect({ name: got.name, message: got.message }, `${where}: error`).toEqual({ name: want.name, message: want.message });
    } else if (got.ok && want.ok) {
      expect(got.value, `${where}: result`).toEqual(want.value);
    }
    const m = model.lifecycle;
    expect(
      { initialized: after.observed.initialized, finalized: after.observed.finalized, globalStep: after.observed.globalStep, lastEventType: after.observed.lastEventType },
      `${where}: lifecycle`,
    ).toEqual({ initialized: m.initialized, finalized: m.finalized, globalStep: m.globalStep, lastEventType: m.last });
    expect(after.observed.modifiers, `${where}: modifiers`).toEqual(
      model.modifiers.map((x) => ({ initialized: x.initialized, started: x.started, ended: x.ended, finalized: x.finalized, phase: x.phase })),
    );
    expect(real.trace, `${where}: hook trace`).toEqual(model.trace);
    expect(real.warnings, `${where}: warnings`).toEqual(m.warnings);
    rejectedCallChangesNothing(real.lifecycle.fidelity, got, before, after);
  }
  toString(): string {
    return describeCall(this.call);
  }
}

const commands = fc.commands([lifecycleCall().map((c) => new CallCommand(c))], { maxCommands: 40 });

function property(setupArb: fc.Arbitrary<LifecycleSetup>) {
  return fc.property(setupArb, commands, (setup, cmds) => {
    const real = createSubject(setup);
    try {
      fc.modelRun(() => ({ model: createModel(setup), real }), cmds);
    } finally {
      real.dispose();
    }
  });
}

describe('CompressionLifecycle against the reference model (spec §3, §6)', () => {
  it("'default' fidelity", () => {
    fc.assert(property(lifecycleSetup({ fidelity: { only: ['default'] } })), { numRuns: 500 });
  });

  it("'reference' fidelity", () => {
    fc.assert(property(lifecycleSetup({ fidelity: { only: ['reference'] } })), { numRuns: 500 });
  });

  it('reaches every interesting outcome (coverage of the generators)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(lifecycleSetup(), fc.array(lifecycleCall(), { maxLength: 40 }), (setup, calls) => {
        const model = createModel(setup);
        for (const c of calls) {
          const o = modelOutcome(model, c);
          seen.add(o.ok ? `ok:${c.kind}` : o.message.slice(0, 40));
        }
        for (const x of model.modifiers) seen.add(`phase:${x.phase}`);
        if (model.trace.some((l) => l.includes('.onStart'))) seen.add('onStart');
        if (model.trace.some((l) => l.includes('.onEnd'))) seen.add('onEnd');
      }),
      { numRuns: 2000 },
    );
    for (const want of ['Cannot invoke event before', 'Lifecycle events must appear', 'Loss must be provided', 'Cannot update an uninitialized', 'cannot finalize an uninitialized', 'Event stepsPerEpoch is 0', 'phase:ended', 'phase:finalized', 'onStart', 'onEnd']) {
      expect([...seen].some((s) => s.startsWith(want)), `generators never reach "${want}"`).toBe(true);
    }
  });
});
