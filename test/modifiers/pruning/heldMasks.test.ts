import { describe, expect, it } from 'vitest';
import { Event, EventType } from '../../../src/core/events.ts';
import { Linear } from '../../../src/model/modules.ts';
import { Tensor } from '../../../src/tensor/tensor.ts';
import { HeldMasks } from '../../../src/modifiers/pruning/heldMasks.ts';

describe('HeldMasks', () => {
  const setup = () => {
    const a = new Linear('a', Tensor.from([[1, 2, 3, 4]]));
    const b = new Linear('b', Tensor.from([[5, 6]]));
    const held = new HeldMasks([['a', a], ['b', b]]);
    held.hold('a', Uint8Array.from([1, 0, 1, 0]));
    return { a, b, held };
  };

  it('zeroes the held weights again after an optimizer step while holding, and only then', () => {
    const { a, b, held } = setup();
    held.onEvent(new Event({ type: EventType.OPTIM_PRE_STEP }), true);
    held.onEvent(new Event({ type: EventType.OPTIM_POST_STEP }), false);
    expect(Array.from(a.weight.data)).toEqual([1, 2, 3, 4]);
    held.onEvent(new Event({ type: EventType.OPTIM_POST_STEP }), true);
    expect(Array.from(a.weight.data)).toEqual([1, 0, 3, 0]);
    expect(Array.from(b.weight.data)).toEqual([5, 6]); // no mask held for b
    expect(held.size).toBe(1);
  });

  it('a later mask for the same module replaces the earlier one', () => {
    const { a, held } = setup();
    held.hold('a', Uint8Array.from([0, 1, 1, 1]));
    held.onEvent(new Event({ type: EventType.OPTIM_POST_STEP }), true);
    expect(Array.from(a.weight.data)).toEqual([0, 2, 3, 4]);
  });
});
