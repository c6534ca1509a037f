import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import { getHeadDim } from '../../src/model/index.ts';

describe('getHeadDim', () => {
  it('uses headDim when defined, else floor(hiddenSize / numAttentionHeads)', () => {
    expect(getHeadDim({ headDim: 128, hiddenSize: 64, numAttentionHeads: 8 })).toBe(128);
    expect(getHeadDim({ hiddenSize: 64, numAttentionHeads: 8 })).toBe(8);
    expect(getHeadDim({ hiddenSize: 100, numAttentionHeads: 8 })).toBe(12);
  });

  it('throws T1 with the config as JSON otherwise', () => {
    expect(() => getHeadDim({ hiddenSize: 64 })).toThrow(ValueError);
    expect(() => getHeadDim({ hiddenSize: 64 })).toThrow(
      'Cannot determine head_dim from config. Config must define either `head_dim` or both `hidden_size` and ' +
        '`num_attention_heads`. {"hiddenSize":64}',
    );
  });
});
