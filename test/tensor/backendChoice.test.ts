import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BackendSettingError,
  GPU_MIN_ELEMENTS,
  LINEAR_WASM_MIN_MACS,
  __unsafeSetWebglReachable,
  backendSetting,
  backendWarnings,
  chooseBackend,
} from '../../src/tensor/backend.ts';
import { ValueError } from '../../src/core/errors.ts';
import { hadamardRows, sylvesterFactor, Tensor } from '../../src/tensor/index.ts';
import { randn } from './helpers.ts';

let prev: string | undefined;
beforeEach(() => {
  prev = process.env.LLMC_SIM_BACKEND;
  delete process.env.LLMC_SIM_BACKEND;
});
afterEach(() => {
  if (prev === undefined) delete process.env.LLMC_SIM_BACKEND;
  else process.env.LLMC_SIM_BACKEND = prev;
  __unsafeSetWebglReachable(undefined);
});
const big = GPU_MIN_ELEMENTS;

describe('chooseBackend', () => {
  it('auto on Node without WebGL: wasm for Linear and the float32 FWHT, ts for everything else', () => {
    __unsafeSetWebglReachable(false);
    expect(chooseBackend('linear', 'float32', LINEAR_WASM_MIN_MACS)).toBe('wasm');
    expect(chooseBackend('linear', 'float64', LINEAR_WASM_MIN_MACS)).toBe('wasm'); // bit-identical in float64
    expect(chooseBackend('linear', 'float32', LINEAR_WASM_MIN_MACS - 1)).toBe('ts');
    expect(chooseBackend('fwht', 'float32', 16)).toBe('wasm');
    expect(chooseBackend('fwht', 'float64', 16)).toBe('ts');
    for (const k of ['matmul', 'rowTransform', 'fakeQuant', 'fuseNorm', 'centerRows'] as const) expect(chooseBackend(k, 'float32', big)).toBe('ts');
  });

  it('auto with WebGL: gpu.js for large float32 inputs of its kernels only, never float64, never the FWHT', () => {
    __unsafeSetWebglReachable(true);
    expect(chooseBackend('matmul', 'float32', big)).toBe('gpujs');
    expect(chooseBackend('matmul', 'float32', big - 1)).toBe('ts');
    expect(chooseBackend('matmul', 'float64', big)).toBe('ts');
    expect(chooseBackend('fwht', 'float32', big)).toBe('wasm');
    expect(chooseBackend('linear', 'float32', big)).toBe('wasm');
  });

  it('LLMC_SIM_BACKEND forces a backend for every kernel that has it, else that kernel runs its auto choice', () => {
    __unsafeSetWebglReachable(false);
    process.env.LLMC_SIM_BACKEND = 'ts';
    for (const k of ['fwht', 'linear', 'matmul', 'fakeQuant'] as const) expect(chooseBackend(k, 'float32', big)).toBe('ts');
    process.env.LLMC_SIM_BACKEND = 'gpujs';
    for (const k of ['fwht', 'matmul', 'rowTransform', 'fakeQuant', 'fuseNorm', 'centerRows'] as const) expect(chooseBackend(k, 'float32', 4)).toBe('gpujs');
    expect(chooseBackend('linear', 'float32', big)).toBe('wasm'); // no gpu.js Linear
    process.env.LLMC_SIM_BACKEND = 'wasm';
    expect(chooseBackend('fwht', 'float32', 4)).toBe('wasm');
    expect(chooseBackend('linear', 'float64', 4)).toBe('wasm');
    expect(chooseBackend('matmul', 'float32', big)).toBe('ts'); // no wasm matmul
    process.env.LLMC_SIM_BACKEND = 'auto';
    expect(chooseBackend('linear', 'float32', 4)).toBe('ts');
    expect(chooseBackend('matmul', 'float32', 4, 'gpujs')).toBe('gpujs'); // an explicit option beats the env
  });

  it('never downcasts float64: a forced float32-only backend falls back to an exact one with a one-time warning', () => {
    process.env.LLMC_SIM_BACKEND = 'gpujs';
    const before = backendWarnings().length;
    expect(chooseBackend('rowTransform', 'float64', big)).toBe('ts');
    expect(chooseBackend('rowTransform', 'float64', big)).toBe('ts');
    const added = backendWarnings().slice(before);
    expect(added).toEqual(['rowTransform on float64 data runs on ts, not the requested gpujs: gpujs\'s rowTransform computes in float32 and would round a float64 result']);
    process.env.LLMC_SIM_BACKEND = 'wasm';
    expect(chooseBackend('fwht', 'float64', 16)).toBe('ts');
  });

  it('forced gpujs on a float64 Hadamard rotation gives the ts result bit for bit', () => {
    const x = randn(4, 64, 'f64 rotation', 'float64');
    const f = sylvesterFactor(64);
    const want = hadamardRows(x, f, { backend: 'ts' });
    process.env.LLMC_SIM_BACKEND = 'gpujs';
    const got = hadamardRows(x, f);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    expect(got).toBeInstanceOf(Tensor);
  });

  it('a bogus LLMC_SIM_BACKEND is a named ValueError listing the valid values', () => {
    process.env.LLMC_SIM_BACKEND = 'cuda';
    expect(() => backendSetting()).toThrow(BackendSettingError);
    expect(() => chooseBackend('fwht', 'float32', 4)).toThrow(ValueError);
    expect(() => backendSetting()).toThrow("LLMC_SIM_BACKEND must be one of ts, wasm, gpujs, auto; got 'cuda'");
  });
});
