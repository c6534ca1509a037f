/** SpinQuantModifier fields, validation messages (T2–T6, E30) and serialization (spinquant.md §2). */
import { describe, expect, it } from 'vitest';
import { NotImplementedError, ValueError } from '../../../src/core/errors.ts';
import { SpinQuantModifier } from '../../../src/modifiers/spinquant/index.ts';
import { ModifierFactory } from '../../../src/modifiers/factory.ts';
import '../../../src/modifiers/builtins.ts';
import { syntheticModel, runDatafree } from './helpers.ts';
import { thrown } from '../../helpers/errors.ts';


describe('SpinQuantModifier fields', () => {
  it('has the documented defaults', () => {
    const m = new SpinQuantModifier();
    expect(m.rotations).toEqual(['R1', 'R2']);
    expect(m.transformType).toBe('hadamard');
    expect([m.randomize, m.learnable]).toEqual([false, false]);
    expect(m.precision).toBe('float64');
    expect([m.transformBlockSize, m.mappings, m.normMappings, m.transformConfig]).toEqual([null, null, null, null]);
    expect(m.centerEmbeddings).toBe(true);
  });

  it('upper-cases rotations and accepts snake_case names', () => {
    const m = new SpinQuantModifier({ rotations: ['r1', 'R4'], transform_block_size: 4, transform_type: 'random-hadamard', center_embeddings: false });
    expect(m.rotations).toEqual(['R1', 'R4']);
    expect(m.transformBlockSize).toBe(4);
    expect(m.transformType).toBe('random-hadamard');
    expect(m.centerEmbeddings).toBe(false);
  });

  it('T2 in the E30 layout', () => {
    const e = thrown(() => new SpinQuantModifier({ rotations: ['R1', 'R5'] }));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toBe("1 validation error for SpinQuantModifier\nrotations.1\n  Input should be 'R1', 'R2', 'R3' or 'R4'");
  });

  it('S9: a bare string is iterated character by character and rejected', () => {
    expect(thrown(() => new SpinQuantModifier({ rotations: 'R1' })).message).toBe(
      "1 validation error for SpinQuantModifier\nrotations.0\n  Input should be 'R1', 'R2', 'R3' or 'R4'",
    );
  });

  it('T3 in the E30 layout', () => {
    expect(thrown(() => new SpinQuantModifier({ transformType: 'walsh' as never })).message).toBe(
      "1 validation error for SpinQuantModifier\ntransform_type\n  Input should be 'hadamard', 'random-hadamard' or 'random-matrix'",
    );
  });

  it('T4 / S10: randomize and learnable throw NotImplementedError', () => {
    for (const f of ['randomize', 'learnable'] as const) {
      const e = thrown(() => new SpinQuantModifier({ [f]: true }));
      expect(e).toBeInstanceOf(NotImplementedError);
      expect(e.message).toBe(`${f} is not supported as of now`);
    }
    expect(new SpinQuantModifier({ randomize: false }).randomize).toBe(false);
  });

  it('precision: torch. prefix, T5 for unknown names, T6 for other dtypes', () => {
    expect(new SpinQuantModifier({ precision: 'torch.float32' }).precision).toBe('float32');
    expect(new SpinQuantModifier({ precision: 'float64' }).precision).toBe('float64');
    expect(thrown(() => new SpinQuantModifier({ precision: 'torch.float65' })).message).toBe('No such torch dtype `torch.float65`');
    expect(thrown(() => new SpinQuantModifier({ precision: 'bfloat16' })).message).toBe(
      'precision bfloat16 is not supported by llmc-sim (use float32 or float64)',
    );
  });

  it('E30 for unknown options (with a suggestion when a field is one typo away)', () => {
    expect(thrown(() => new SpinQuantModifier({ rotation: ['R1'] } as never)).message).toBe(
      "1 validation error for SpinQuantModifier\nrotation\n  Extra inputs are not permitted. Did you mean 'rotations'?",
    );
  });

  it('dumps precision as torch.float64, never mappings, center_embeddings only when false', () => {
    const d = new SpinQuantModifier({ mappings: null }).modelDump();
    expect(d.precision).toBe('torch.float64');
    expect('mappings' in d || 'norm_mappings' in d || 'center_embeddings' in d).toBe(false);
    expect(new SpinQuantModifier({ centerEmbeddings: false }).modelDump().center_embeddings).toBe(false);
  });

  it('S14: the filled transform_config is serialized; dump then reload gives an equal modifier', () => {
    const m = new SpinQuantModifier({ rotations: ['R1', 'R2', 'R3', 'R4'], transformBlockSize: 32 });
    runDatafree(syntheticModel(), [m]);
    const dump = m.modelDump();
    expect(Object.keys((dump.transform_config as { config_groups: object }).config_groups)).toEqual(['R1', 'R2', 'R3', 'R4']);
    expect('mappings' in dump).toBe(false);
    const reloaded = new SpinQuantModifier(Object.fromEntries(Object.entries(dump).filter(([, v]) => v !== null)));
    expect(reloaded.modelDump()).toEqual(dump);
    expect(reloaded.transformConfig).toEqual(m.transformConfig);
  });

  it('is a built-in usable from recipes by its class name', () => {
    ModifierFactory.refresh();
    const m = ModifierFactory.create('SpinQuantModifier', { allowRegistered: true, allowExperimental: true, args: { rotations: ['R1'], transform_block_size: 8 } });
    expect(m).toBeInstanceOf(SpinQuantModifier);
  });
});
