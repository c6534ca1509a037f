/** `oneshot`'s per-modifier line: effects of one kind are counted and named by their first and last module. */
import { describe, expect, it } from 'vitest';
import { describeModifiers } from '../../src/cli/commands/oneshot/summary.ts';
import { GPTQModifier } from '../../src/modifiers/gptq/index.ts';
import type { LifecycleRecord } from '../../src/core/records.ts';

const effect = (kind: string, data: Record<string, unknown>, seq: number): LifecycleRecord =>
  ({ type: 'effect.modifier', seq, position: 0, modifierType: 'GPTQModifier', kind, data }) as unknown as LifecycleRecord;

describe('describeModifiers', () => {
  it('counts repeated effects and names the first and last module; a single one by its message', () => {
    const records = [
      effect('gptq.quantize', { module: 'a.q_proj', message: 'Quantizing a.q_proj using 8 samples' }, 0),
      effect('gptq.quantize', { module: 'b.k_proj', message: 'Quantizing b.k_proj using 8 samples' }, 1),
      effect('gptq.quantize', { module: 'c.down_proj', message: 'Quantizing c.down_proj using 8 samples' }, 2),
      effect('gptq.note', { message: 'one note' }, 3),
    ];
    const [line] = describeModifiers([new GPTQModifier({ scheme: 'W4A16', targets: ['Linear'] })], records);
    expect(line).toBe('GPTQModifier: gptq.quantize ×3: a.q_proj … c.down_proj; one note');
  });
});
