/**
 * State (lifecycle.md §5; Q23): immutable updates with Python's rules, opaque payloads.
 */
import { describe, expect, it } from 'vitest';
import { State } from '../../src/core/state.ts';

describe('defaults (§5)', () => {
  it('every field at its default', () => {
    // Act
    const s = new State();
    // Assert
    expect([s.model, s.teacherModel, s.optimizer, s.optimWrapped, s.loss, s.batchData, s.lossMasks]).toEqual([null, null, null, null, null, null, null]);
    expect(s.currentBatchIdx).toBe(-1);
    expect(s.sequentialPrefetch).toBe(false);
    expect(s.data).toEqual({ train: null, val: null, test: null, calib: null });
    expect(s.hardware).toEqual({
      device: null, devices: null, rank: null, worldSize: null, localRank: null, localWorldSize: null, distributed: null, distributedStrategy: null,
    });
    expect(s.compressionReady).toBe(false);
  });
});

describe('update rules (§5)', () => {
  const model = { name: 'model' };
  const other = { name: 'other' };
  const optimizer = { name: 'opt' };

  it('sets model and teacherModel when non-null', () => {
    const { state } = new State().update({ model, teacherModel: other });
    expect(state.model).toBe(model);
    expect(state.teacherModel).toBe(other);
  });

  it('a null never clears model or teacherModel', () => {
    const s1 = new State().update({ model, teacherModel: other }).state;
    const s2 = s1.update({ model: null, teacherModel: null }).state;
    const s3 = s2.update({ model: undefined }).state;
    expect(s3.model).toBe(model);
    expect(s3.teacherModel).toBe(other);
  });

  /** `changes | optimWrapped` */
  const OPTIM: [string, Record<string, unknown>, unknown][] = [
    ['optimizer alone wraps (default true)', { optimizer }, true],
    ['attachOptimCallbacks false', { optimizer, attachOptimCallbacks: false }, false],
    ['attachOptimCallbacks true', { optimizer, attachOptimCallbacks: true }, true],
    ['no optimizer leaves optimWrapped untouched', { attachOptimCallbacks: false }, null],
  ];
  it.each(OPTIM)('%s', (_n, changes, wrapped) => {
    const { state } = new State().update(changes);
    expect(state.optimWrapped).toBe(wrapped);
  });

  it('without an optimizer, optimWrapped keeps its earlier value', () => {
    const s1 = new State().update({ optimizer, attachOptimCallbacks: false }).state;
    const s2 = s1.update({ attachOptimCallbacks: true }).state;
    expect(s2.optimWrapped).toBe(false);
    expect(s2.optimizer).toBe(optimizer);
  });

  it('a null optimizer keeps the optimizer', () => {
    const s = new State().update({ optimizer }).state.update({ optimizer: null }).state;
    expect(s.optimizer).toBe(optimizer);
  });

  /** `key | data slot` */
  const DATA: [string, 'train' | 'val' | 'test' | 'calib'][] = [
    ['trainData', 'train'],
    ['valData', 'val'],
    ['testData', 'test'],
    ['calibData', 'calib'],
  ];
  it.each(DATA)('%s is deep-copied into data.%s by default', (key, slot) => {
    // Arrange
    const value = [[1, 2], [3]];
    // Act
    const { state } = new State().update({ [key]: value });
    // Assert
    expect(state.data[slot]).toEqual(value);
    expect(state.data[slot]).not.toBe(value);
    value[0].push(99);
    expect(state.data[slot]).toEqual([[1, 2], [3]]);
  });

  it.each(DATA)('%s is stored by reference with copyData false', (key, slot) => {
    const value = [[1, 2]];
    const { state } = new State().update({ [key]: value, copyData: false });
    expect(state.data[slot]).toBe(value);
  });

  it.each(DATA)('a null %s keeps the earlier data', (key, slot) => {
    const s = new State().update({ [key]: [1] }).state.update({ [key]: null }).state;
    expect(s.data[slot]).toEqual([1]);
  });

  it('start, stepsPerEpoch and batchesPerStep are accepted and ignored', () => {
    const { state, rest } = new State().update({ start: 3, stepsPerEpoch: 10, batchesPerStep: 2 });
    expect(rest).toEqual({});
    expect(state.model).toBeNull();
  });

  it('rest is every other key, unchanged; device also sets hardware.device', () => {
    // Act
    const { state, rest } = new State().update({ device: 'cpu', foo: 1 });
    // Assert
    expect(rest).toEqual({ device: 'cpu', foo: 1 });
    expect(state.hardware.device).toBe('cpu');
  });

  it('rest excludes every consumed key', () => {
    const { rest } = new State().update({
      model, teacherModel: other, optimizer, attachOptimCallbacks: true, trainData: [1], valData: [1], testData: [1], calibData: [1],
      copyData: true, start: 0, stepsPerEpoch: 1, batchesPerStep: 1, extra: 'x',
    });
    expect(rest).toEqual({ extra: 'x' });
  });

  it('rest values are the given references', () => {
    const payload = { big: true };
    expect(new State().update({ payload }).rest.payload).toBe(payload);
  });

  it('loss and batchData are not State.update inputs (Q23): they land in rest', () => {
    const { state, rest } = new State().update({ loss: 1, batchData: [1] });
    expect(state.loss).toBeNull();
    expect(state.batchData).toBeNull();
    expect(rest).toEqual({ loss: 1, batchData: [1] });
  });
});

describe('immutability (§5)', () => {
  it('update returns a new State and leaves the old one unchanged and frozen', () => {
    // Arrange
    const old = new State();
    // Act
    const { state } = old.update({ model: { m: 1 }, device: 'cuda' });
    // Assert
    expect(state).not.toBe(old);
    expect(old.model).toBeNull();
    expect(old.hardware.device).toBeNull();
    expect(Object.isFrozen(old)).toBe(true);
    expect(Object.isFrozen(state)).toBe(true);
  });

  it('data and hardware views cannot be mutated', () => {
    const s = new State().update({ calibData: [1] }).state;
    expect(() => {
      (s.data as { calib: unknown }).calib = null;
    }).toThrow(TypeError);
    expect(() => {
      (s.hardware as { device: unknown }).device = 'x';
    }).toThrow(TypeError);
    expect(s.data.calib).toEqual([1]);
  });

  it('fields cannot be assigned', () => {
    const s = new State();
    expect(() => {
      (s as unknown as { model: unknown }).model = 1;
    }).toThrow(TypeError);
  });
});

describe('payloads are opaque references (§5)', () => {
  it('the model is neither copied nor frozen, and may be mutated in place', () => {
    // Arrange
    const model = { weights: [1, 2, 3], nested: { a: 1 } };
    // Act
    const { state } = new State().update({ model });
    state.model;
    // Assert
    expect(state.model).toBe(model);
    expect(Object.isFrozen(model)).toBe(false);
    expect(Object.isFrozen(model.weights)).toBe(false);
    expect(Object.isFrozen(model.nested)).toBe(false);
    model.weights[0] = 9;
    expect((state.model as typeof model).weights[0]).toBe(9);
  });

  it('optimizer, teacher and data are not frozen', () => {
    const optimizer = { lr: [0.1] };
    const teacherModel = { t: [1] };
    const calib = [[1, 2]];
    const { state } = new State().update({ optimizer, teacherModel, calibData: calib, copyData: false });
    for (const v of [optimizer, optimizer.lr, teacherModel, teacherModel.t, calib, calib[0]]) expect(Object.isFrozen(v)).toBe(false);
    expect(Object.isFrozen(state.data.calib)).toBe(false);
  });

  it('a deep-copied data value is not frozen either', () => {
    const { state } = new State().update({ calibData: [[1, 2]] });
    const calib = state.data.calib as number[][];
    expect(Object.isFrozen(calib)).toBe(false);
    expect(Object.isFrozen(calib[0])).toBe(false);
  });

  it('later updates keep earlier payload identities (structural sharing)', () => {
    const model = { m: 1 };
    const s = new State().update({ model }).state.update({ foo: 1 }).state;
    expect(s.model).toBe(model);
  });
});

describe('compressionReady (§5)', () => {
  /** `changes | ready` */
  const ROWS: [Record<string, unknown>, boolean][] = [
    [{}, false],
    [{ model: {} }, false],
    [{ optimizer: {} }, false],
    [{ model: {}, optimizer: {} }, true],
  ];
  it.each(ROWS)('%j → %s', (changes, ready) => {
    expect(new State().update(changes).state.compressionReady).toBe(ready);
  });
});
