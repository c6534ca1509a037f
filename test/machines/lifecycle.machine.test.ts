/**
 * The lifecycle order machine (lifecycle.md §6.4): the state is the last accepted ordered type.
 */
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { lifecycleOrderMachine, orderAllows, ORDERED, type OrderedType } from '../../machines/lifecycle.machine.ts';

type Cell = 'ok' | 'ERR';
/** The §6.4 table: rows are `last`, columns are `next` in ORDERED position order. */
const TABLE: Record<OrderedType, Record<OrderedType, Cell>> = {
  batch_start: { batch_start: 'ERR', loss_calculated: 'ok', optim_pre_step: 'ok', optim_post_step: 'ok', batch_end: 'ok' },
  loss_calculated: { batch_start: 'ok', loss_calculated: 'ok', optim_pre_step: 'ok', optim_post_step: 'ok', batch_end: 'ok' },
  optim_pre_step: { batch_start: 'ok', loss_calculated: 'ERR', optim_pre_step: 'ok', optim_post_step: 'ok', batch_end: 'ok' },
  optim_post_step: { batch_start: 'ok', loss_calculated: 'ERR', optim_pre_step: 'ERR', optim_post_step: 'ok', batch_end: 'ok' },
  batch_end: { batch_start: 'ok', loss_calculated: 'ERR', optim_pre_step: 'ERR', optim_post_step: 'ERR', batch_end: 'ok' },
};
const CELLS = ORDERED.flatMap((last) => ORDERED.map((next) => [last, next, TABLE[last][next]] as const));
const CALIBRATION = ['calibration_epoch_start', 'sequential_epoch_end', 'calibration_epoch_end'];

describe('order machine (§6.4)', () => {
  it('starts in batch_end', () => {
    expect(lifecycleOrderMachine.getInitialSnapshot(undefined as never).value).toBe('batch_end');
  });

  it.each(CELLS)('%s → %s: %s', (last, next, cell) => {
    // Arrange
    const snap = lifecycleOrderMachine.resolveState({ value: last, context: undefined as never });
    // Act
    const [after, actions] = transition(lifecycleOrderMachine, snap, { type: next });
    // Assert
    const accepted = actions.some((a) => a.type === 'accept');
    expect(accepted).toBe(cell === 'ok');
    expect(orderAllows(last, next)).toBe(cell === 'ok');
    expect(after.value).toBe(cell === 'ok' ? next : last);
  });

  it.each(ORDERED.flatMap((last) => CALIBRATION.map((t) => [last, t] as const)))('from %s, %s is accepted and keeps the state', (last, t) => {
    const snap = lifecycleOrderMachine.resolveState({ value: last, context: undefined as never });
    const [after, actions] = transition(lifecycleOrderMachine, snap, { type: t });
    expect(actions.some((a) => a.type === 'accept')).toBe(true);
    expect(after.value).toBe(last);
  });
});
