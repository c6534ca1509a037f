/**
 * What users of the exported `lifecycleOrderMachine` see (diagrams, `@xstate/graph`, their own
 * `transition()` calls): its id, its initial state, and the one named action each transition carries
 * (`accept`, or `reject` for a refused ordered type). The machine is imported inside each test, so a
 * change that stops it from loading fails here as a test.
 */
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';

const load = () => import('../../machines/lifecycle.machine.ts');
const ALL = ['initialize', 'finalize', 'batch_start', 'loss_calculated', 'batch_end', 'calibration_epoch_start', 'sequential_epoch_end', 'calibration_epoch_end', 'optim_pre_step', 'optim_post_step'];

describe('lifecycleOrderMachine as exported', () => {
  it("is named 'lifecycleOrder' and starts in batch_end", async () => {
    const { lifecycleOrderMachine } = await load();
    expect(lifecycleOrderMachine.id).toBe('lifecycleOrder');
    expect(lifecycleOrderMachine.getInitialSnapshot(undefined as never).value).toBe('batch_end');
  });

  it('has one state per ordered type, each with a transition for every ordered type', async () => {
    const { lifecycleOrderMachine, ORDERED } = await load();
    expect(Object.keys(lifecycleOrderMachine.states).sort()).toEqual([...ORDERED].sort());
    for (const s of ORDERED) expect(Object.keys(lifecycleOrderMachine.states[s].config.on ?? {}).sort()).toEqual([...ORDERED].sort());
  });

  it('carries exactly one action per event: accept when the rule allows it, reject otherwise', async () => {
    const { lifecycleOrderMachine, ORDERED, orderAllows } = await load();
    for (const last of ORDERED) {
      const snap = lifecycleOrderMachine.resolveState({ value: last, context: undefined as never });
      for (const next of ALL) {
        const [after, actions] = transition(lifecycleOrderMachine, snap, { type: next });
        const ordered = (ORDERED as readonly string[]).includes(next);
        const ok = !ordered || orderAllows(last, next as (typeof ORDERED)[number]);
        expect(actions.map((a) => a.type), `${last} → ${next}`).toEqual([ok ? 'accept' : 'reject']);
        expect(after.value).toBe(ordered && ok ? next : last);
      }
    }
  });
});
