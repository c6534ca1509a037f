/**
 * The shared laws (laws/) over random setups and call scripts, in both fidelities.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { lifecycleCall } from './arbitraries/lifecycleCall.ts';
import { lifecycleSetup } from './arbitraries/lifecycleSetup.ts';
import { sameCallsSameRecords } from './laws/determinism.ts';
import { rejectedCallChangesNothing } from './laws/rejectedCallsChangeNothing.ts';
import { applyCall, createSubject, observe } from './harness/subject.ts';

describe('lifecycle laws', () => {
  it('determinism: the same calls twice give identical records$ JSON', () => {
    fc.assert(
      fc.property(lifecycleSetup(), fc.array(lifecycleCall(), { maxLength: 30 }), (setup, calls) => sameCallsSameRecords(setup, calls)),
      { numRuns: 150 },
    );
  });

  it("rejected calls change nothing ('default'; 'reference' only Q3)", () => {
    fc.assert(
      fc.property(lifecycleSetup(), fc.array(lifecycleCall(), { maxLength: 30 }), (setup, calls) => {
        const s = createSubject(setup);
        try {
          for (const c of calls) {
            const before = { observed: observe(s), traceLength: s.trace.length };
            const outcome = applyCall(s, c);
            rejectedCallChangesNothing(setup.fidelity, outcome, before, { observed: observe(s), traceLength: s.trace.length });
          }
        } finally {
          s.dispose();
        }
      }),
      { numRuns: 150 },
    );
  });
});
