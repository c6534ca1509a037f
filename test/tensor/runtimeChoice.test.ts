import { afterEach, describe, expect, it } from 'vitest';
import { CALIBRATION_MIN_ELEMENTS, __unsafeSetWebglReachable, calibratedBackends, dispatch, type BackendName } from '../../src/tensor/backend.ts';

const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

afterEach(() => __unsafeSetWebglReachable(undefined));

describe('run-time backend choice (where gpu.js reaches WebGL)', () => {
  it('times the static choice against gpu.js once per kernel, keeps the faster, and returns its result', () => {
    __unsafeSetWebglReachable(true);
    const calls: BackendName[] = [];
    const run = (slow: BackendName) => (b: BackendName) => {
      calls.push(b);
      spin(b === slow ? 20 : 1);
      return b;
    };
    expect(dispatch('matmul', 'float32', undefined, CALIBRATION_MIN_ELEMENTS, run('ts'))).toBe('gpujs');
    expect(calls).toEqual(['ts', 'gpujs', 'gpujs']); // gpu.js twice: its first call compiles
    expect(calibratedBackends().get('matmul')).toBe('gpujs');
    calls.length = 0;
    expect(dispatch('matmul', 'float32', undefined, CALIBRATION_MIN_ELEMENTS, run('ts'))).toBe('gpujs');
    expect(calls).toEqual(['gpujs']);
    expect(dispatch('centerRows', 'float32', undefined, CALIBRATION_MIN_ELEMENTS, run('gpujs'))).toBe('ts');
  });

  it('never times small inputs, float64 data, explicit requests, the FWHT, or without WebGL', () => {
    const calls: BackendName[] = [];
    const run = (b: BackendName) => (calls.push(b), b);
    __unsafeSetWebglReachable(true);
    dispatch('matmul', 'float32', undefined, CALIBRATION_MIN_ELEMENTS - 1, run);
    dispatch('matmul', 'float64', undefined, CALIBRATION_MIN_ELEMENTS, run);
    dispatch('matmul', 'float32', 'ts', CALIBRATION_MIN_ELEMENTS, run);
    dispatch('fwht', 'float32', undefined, CALIBRATION_MIN_ELEMENTS, run);
    __unsafeSetWebglReachable(false);
    dispatch('matmul', 'float32', undefined, CALIBRATION_MIN_ELEMENTS, run);
    expect(calls.filter((b) => b === 'gpujs')).toEqual([]);
    expect(calibratedBackends().size).toBe(0);
  });
});
