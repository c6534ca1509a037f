import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

describe('gpu.js is loaded lazily', () => {
  it('importing src/tensor does not load gpu.js; the first gpujs kernel does', async () => {
    const require = createRequire(import.meta.url);
    const loaded = () => Object.keys(require.cache).some((k) => k.includes('/gpu.js/'));
    const t = await import('../../src/tensor/index.ts');
    expect(loaded()).toBe(false);
    t.centerRowsOp(t.Tensor.from([[1, 3]]), { backend: 'gpujs' });
    expect(loaded()).toBe(true);
  });
});
