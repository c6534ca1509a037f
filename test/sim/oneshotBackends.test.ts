/**
 * End to end: a datafree oneshot (SpinQuant R1+R2+R4, then W4A16 QuantizationModifier) on the synthetic model
 * gives the same weights on every backend this process can reach, forced through LLMC_SIM_BACKEND: float32
 * runs equal to float32 rounding, float64 runs (and float32 runs on exact backends) bit for bit.
 */
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/lifecycle/session.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import { QuantizationModifier } from '../../src/modifiers/quantization/index.ts';
import { SpinQuantModifier } from '../../src/modifiers/spinquant/index.ts';
import { oneshot } from '../../src/sim/oneshot.ts';
import { loadGpuJs } from '../../src/tensor/gpu/loader.ts';
import { wasmSimdSupported } from '../../src/tensor/wasm/runtime.ts';
import type { BackendSetting } from '../../src/tensor/backend.ts';
import { useWarningCapture } from '../helpers/errors.ts';

useWarningCapture(); // the centring drift warning is expected and not under test here

const prev = process.env.LLMC_SIM_BACKEND;
afterAll(() => {
  if (prev === undefined) delete process.env.LLMC_SIM_BACKEND;
  else process.env.LLMC_SIM_BACKEND = prev;
});

type Weights = Map<string, Float32Array | Float64Array>;

function compress(backend: BackendSetting, dtype: 'float32' | 'float64', precision: 'float32' | 'float64'): Weights {
  process.env.LLMC_SIM_BACKEND = backend;
  const model = createSyntheticModel({ dim: 128, hiddenDim: 256, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
  if (dtype === 'float64') model.to('float64');
  createSession(() =>
    oneshot({
      model,
      recipe: [new SpinQuantModifier({ rotations: ['R1', 'R2', 'R4'], precision }), new QuantizationModifier({ scheme: 'W4A16', ignore: ['lm_head'] })],
    }),
  );
  const out: Weights = new Map();
  for (const [name, m] of model.namedModules()) if ('weight' in m && m.weight) out.set(name, m.weight.data.slice());
  return out;
}

const reachable: BackendSetting[] = ['ts', 'auto', ...(wasmSimdSupported() ? (['wasm'] as const) : []), ...(loadGpuJs() ? (['gpujs'] as const) : [])];
/** Backends that compute float32 data exactly as ts does (gpu.js sums in float32). */
const exact = (b: BackendSetting): boolean => b !== 'gpujs';

/** Per tensor: every |a − b| within 8 float32 roundings of the tensor's largest magnitude. */
function expectFloat32Close(got: Weights, want: Weights): void {
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [name, a] of want) {
    const b = got.get(name)!;
    let scale = 0;
    for (const v of a) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst, name).toBeLessThanOrEqual(8 * 2 ** -24 * scale);
  }
}

function expectIdentical(got: Weights, want: Weights): void {
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [name, a] of want) expect(Buffer.from(got.get(name)!.buffer).equals(Buffer.from(a.buffer)), name).toBe(true);
}

describe.each([
  ['float32', 'float32'],
  ['float32', 'float64'],
  ['float64', 'float64'],
  ['float64', 'float32'],
] as const)('%s model, %s rotations', (dtype, precision) => {
  let want: Weights | undefined;
  it.each(reachable.filter((b) => b !== 'ts'))('LLMC_SIM_BACKEND=%s gives the ts weights', (backend) => {
    want ??= compress('ts', dtype, precision);
    const got = compress(backend, dtype, precision);
    if (dtype === 'float64' || exact(backend)) expectIdentical(got, want);
    else expectFloat32Close(got, want);
  });
});

it('the forced gpujs run really went through gpu.js (not a silent ts fallback)', () => {
  if (!reachable.includes('gpujs')) return;
  const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/gpu.js/'));
  compress('gpujs', 'float32', 'float32');
  expect(loaded()).toBe(true);
});
