/**
 * A passive recording reads the hooks every event causes from the modifiers' stamps and writes most event
 * calls as runs (src/log/tap.ts, `RoutineStamps`); a recording whose lifecycle also has a `records$`
 * subscriber reports every hook as it happens. Both must give the same bytes, whatever the modifiers
 * do inside their hooks: report domain effects, warn, start or end themselves, throw, override
 * `updateEvent`, or change the event's type for the modifiers after them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import type { EventType } from '../../src/core/events.ts';
import { ACTS, OverridingModifier, ScriptedModifier, type Act } from '../../test/helpers/scriptedModifier.ts';
import { memorySink, readJournal, recordTo } from '../../src/log/index.ts';
import { lifecycleCall, type LifecycleCall as CallSpec } from '../arbitraries/lifecycleCall.ts';
import { setWarningSink } from '../../src/core/logger.ts';

interface Spec {
  start: number | null;
  end: number | null;
  script: Act[];
  overrides: boolean;
}

const modifierSpec: fc.Arbitrary<Spec> = fc.record({
  start: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 4 })),
  end: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 5 })),
  // Mostly quiet scripts, so that calls stay on the stamped path between the acts.
  script: fc.array(fc.oneof({ arbitrary: fc.constant<Act>('nothing'), weight: 5 }, { arbitrary: fc.constantFrom(...ACTS), weight: 1 }), { minLength: 1, maxLength: 12 }),
  overrides: fc.boolean(),
});

/** An option beyond the lifecycle's own, of each kind the journal stores field by field. */
type Extra = string | boolean | number | null | undefined;
const extra: fc.Arbitrary<Extra> = fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: fc.constantFrom<Extra>('a note', true, 3, 2.5, null), weight: 1 });

function apply(lc: CompressionLifecycle, call: CallSpec, specs: Spec[], more: Extra = undefined): void {
  try {
    switch (call.kind) {
      case 'initialize': {
        const recipe = specs.map((s, i) => new (s.overrides ? OverridingModifier : ScriptedModifier)({ start: s.start, end: s.end, index: i }, s.script));
        const options: Record<string, unknown> = { recipe };
        if (call.stepsPerEpoch != null) options.stepsPerEpoch = call.stepsPerEpoch;
        if (call.batchesPerStep != null) options.batchesPerStep = call.batchesPerStep;
        lc.initialize(options);
        return;
      }
      case 'event': {
        const options: Record<string, unknown> = {};
        if (call.loss !== undefined) options.loss = call.loss;
        if (call.globalStep !== undefined) options.globalStep = call.globalStep;
        if (more !== undefined) options.extra = more;
        lc.event(call.type as EventType, options);
        return;
      }
      case 'finalize':
        lc.finalize();
        return;
      case 'reset':
        lc.reset();
        return;
    }
  } catch {
    // recorded: a refused call as call.rejected, a throwing hook as effect.error
  }
}

function record(calls: [CallSpec, Extra][], specs: Spec[], loud: boolean): Buffer {
  const lc = new CompressionLifecycle();
  const sink = memorySink();
  // A records$ subscriber makes every sink forward each hook: nothing is stamped.
  const sub = loud ? lc.records$.subscribe(() => {}) : null;
  const rec = recordTo(lc, sink, { recipe: null, settings: { driver: 'property' } });
  apply(lc, { kind: 'initialize', recipe: true, stepsPerEpoch: 2 } as CallSpec, specs);
  for (const [c, more] of calls) apply(lc, c, specs, more);
  rec.close();
  sub?.unsubscribe();
  return Buffer.from(sink.bytes());
}

describe('stamped recording (property)', () => {
  it('a passive recording equals one that reports every hook, byte for byte, whatever the hooks do', () => {
    const previous = setWarningSink(() => {});
    try {
      fc.assert(
        fc.property(
          fc.array(modifierSpec, { minLength: 1, maxLength: 5 }),
          fc.array(fc.tuple(lifecycleCall({ maxStep: 6, zeroStepsPerEpoch: false }), extra), { minLength: 1, maxLength: 40 }),
          (specs, calls) => {
            const quiet = record(calls, specs, false);
            const loud = record(calls, specs, true);
            expect(readJournal(quiet).damage).toBeNull();
            expect(quiet.equals(loud)).toBe(true);
          },
        ),
        { numRuns: 300 },
      );
    } finally {
      setWarningSink(previous);
    }
  });
});
