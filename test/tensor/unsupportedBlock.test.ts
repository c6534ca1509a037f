import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import { UnsupportedBlockSizeError } from '../../src/tensor/index.ts';

describe('UnsupportedBlockSizeError', () => {
  it('names the size and the options that work', () => {
    const e = new UnsupportedBlockSizeError(172, 'hadamard');
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toContain('size 172');
    expect(e.message).toContain('power of two dividing 172 (2, 4)');
    expect(e.message).toContain("'random-matrix'");
  });

  it('mentions the dimension when the block differs from it', () => {
    const e = new UnsupportedBlockSizeError(3, 'hadamard', 14336);
    expect(e.message).toContain('(dimension 14336)');
    expect(e.message).toContain('2048');
  });
});
