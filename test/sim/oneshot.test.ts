/** oneshot and the calibration pipelines (lifecycle.md §9.1–§9.4). */
import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/lifecycle/session.ts';
import type { LifecycleRecord } from '../../src/core/records.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import type { Model } from '../../src/model/model.ts';
import { oneshot } from '../../src/sim/oneshot.ts';
import { inferPipeline, selectPipeline, sequentialSubgraphs } from '../../src/sim/pipelines/index.ts';
import { SpinQuantModifier } from '../../src/modifiers/spinquant/index.ts';
import { QuantizationModifier } from '../../src/modifiers/quantization/index.ts';
import { TestModifier } from '../helpers/testModifier.ts';
import type { Modifier } from '../../src/modifiers/modifier.ts';
import { useWarningCapture } from '../helpers/errors.ts';

const warningsNow = useWarningCapture();

const small = () => createSyntheticModel({ dim: 64, hiddenDim: 128, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });

/** Runs oneshot in a fresh session and returns its records, compacted. */
function trace(options: Parameters<typeof oneshot>[0]): { rows: string[]; records: LifecycleRecord[] } {
  return createSession((s) => {
    const records: LifecycleRecord[] = [];
    const sub = s.lifecycle.records$.subscribe((r) => records.push(r));
    try {
      oneshot(options);
    } finally {
      sub.unsubscribe();
    }
    const rows = records.map((r) => {
      switch (r.type) {
        case 'call.event':
          return `event ${r.eventType}`;
        case 'effect.hook':
          return `${r.modifierType}.${r.hook}`;
        case 'effect.transition':
          return `${r.modifierType} ${r.flag}`;
        case 'effect.modifier':
          return `${r.modifierType} effect ${r.kind}`;
        case 'effect.warning':
          return `warning`;
        default:
          return r.type.replace('call.', '');
      }
    });
    return { rows, records };
  });
}

describe('oneshot, datafree (§9.4)', () => {
  it('records the worked trace for [SpinQuant, Quantization W4A16]', () => {
    const model = createSyntheticModel({ dim: 128, hiddenDim: 256, layers: 1, heads: 4, kvHeads: 2, vocab: 64 });
    const { rows } = trace({ model, recipe: [new SpinQuantModifier({ centerEmbeddings: false }), new QuantizationModifier({ scheme: 'W4A16', ignore: ['lm_head'] })] });
    expect(rows).toEqual([
      'reset', 'initialize',
      'SpinQuantModifier.onInitialize', 'SpinQuantModifier initialized',
      'QuantizationModifier.onInitialize', 'QuantizationModifier initialized',
      'event calibration_epoch_start',
      'SpinQuantModifier.onEvent', 'SpinQuantModifier started', 'SpinQuantModifier.onStart', 'SpinQuantModifier effect spinquant.drift', 'SpinQuantModifier.onUpdate',
      'QuantizationModifier.onEvent', 'QuantizationModifier started', 'QuantizationModifier.onStart', 'QuantizationModifier.onUpdate',
      'event sequential_epoch_end',
      'SpinQuantModifier.onEvent', 'SpinQuantModifier.onUpdate',
      'QuantizationModifier.onEvent', 'QuantizationModifier.onUpdate',
      'event calibration_epoch_end',
      'SpinQuantModifier.onEvent', 'SpinQuantModifier ended', 'SpinQuantModifier.onEnd',
      'QuantizationModifier.onEvent', 'QuantizationModifier ended', 'QuantizationModifier.onEnd', 'QuantizationModifier effect quantization.applied',
      'finalize',
      'SpinQuantModifier.onFinalize', 'SpinQuantModifier finalized',
      'QuantizationModifier.onFinalize', 'QuantizationModifier finalized',
    ]);
  });

  it('SEQUENTIAL_EPOCH_END carries every module, root first; the recipe may be YAML', () => {
    const model = small();
    const { records } = trace({
      model,
      recipe: 'quant_stage:\n  quant_modifiers:\n    QuantizationModifier: {targets: [Linear], scheme: W8A8, ignore: [lm_head]}\n',
    });
    const seq = records.find((r) => r.type === 'call.event' && r.eventType === 'sequential_epoch_end');
    const modules = (seq as unknown as { options: { modules: Array<{ name: string }> } }).options.modules;
    expect(modules.map((m) => m.name)).toEqual(model.namedModules().map(([n]) => n));
    expect(modules[0].name).toBe('');
  });

  it('returns the same model, rotated and quantized', () => {
    const model = small();
    const h = model.contentHash();
    expect(trace({ model, recipe: [new SpinQuantModifier({ rotations: ['R1'] }), new QuantizationModifier({ scheme: 'W4A4', ignore: ['lm_head'] })] }).rows.length).toBeGreaterThan(0);
    expect(model.contentHash()).not.toBe(h);
  });
});

describe('pipeline selection (§9.3)', () => {
  const sq = () => new SpinQuantModifier();
  const q = (scheme: string) => new QuantizationModifier({ scheme });
  class GPTQModifier extends TestModifier {}

  it('infers datafree for SpinQuant and weight/dynamic presets, sequential for calibrating modifiers', () => {
    expect(inferPipeline([sq()])).toBe('datafree');
    expect(inferPipeline([sq(), q('W4A16'), q('W8A16'), q('W8A8')])).toBe('datafree');
    expect(inferPipeline([sq(), new GPTQModifier() as Modifier])).toBe('sequential');
    expect(inferPipeline([sq()], 'independent')).toBe('independent');
  });

  it('W3 when the user choice differs; the choice is used', () => {
    const msgs: string[] = [];
    expect(selectPipeline([sq()], 'Sequential', (m) => msgs.push(m))).toBe('sequential');
    expect(msgs).toEqual(['Calibration pipeline is set to `sequential`, but it is recommended to use `datafree`']);
    expect(selectPipeline([sq()], 'datafree', (m) => msgs.push(m))).toBe('datafree');
    expect(msgs).toHaveLength(1);
    expect(() => selectPipeline([sq()], 'layerwise', () => undefined)).toThrow("Unknown calibration pipeline 'layerwise'");
  });
});

describe('other pipelines (§9.2)', () => {
  const events = (rows: string[]) => rows.filter((r) => r.startsWith('event '));

  it('basic: start, forwards, one SEQUENTIAL_EPOCH_END, end (W3 logged)', () => {
    const { rows } = trace({ model: small(), recipe: [new QuantizationModifier({ scheme: 'W8A8', ignore: ['lm_head'] })], pipeline: 'basic', calibrationData: [[1, 2, 3]] });
    expect(events(rows)).toEqual(['event calibration_epoch_start', 'event sequential_epoch_end', 'event calibration_epoch_end']);
    expect(warningsNow()).toContain('Calibration pipeline is set to `basic`, but it is recommended to use `datafree`');
  });

  it('sequential: one SEQUENTIAL_EPOCH_END per subgraph (layers, then norm + lm_head)', () => {
    const model = small();
    const subgraphs = sequentialSubgraphs(model);
    expect(subgraphs.map((s) => s.roots)).toEqual([['model.embed_tokens', 'model.layers.0'], ['model.layers.1'], ['model.norm', 'lm_head']]);
    const q = new QuantizationModifier({ scheme: 'W8A8', ignore: ['lm_head'] });
    const { rows, records } = trace({ model, recipe: [q], pipeline: 'sequential', calibrationData: [[1, 2], [3, 4, 5]] });
    expect(events(rows)).toEqual([
      'event calibration_epoch_start', 'event sequential_epoch_end', 'event sequential_epoch_end', 'event sequential_epoch_end', 'event calibration_epoch_end',
    ]);
    const seqs = records.filter((r) => r.type === 'call.event' && r.eventType === 'sequential_epoch_end') as unknown as Array<{ options: { modules: Array<{ name: string }> } }>;
    expect(seqs[0].options.modules.map((m) => m.name)).toContain('model.embed_tokens');
    expect(seqs[1].options.modules[0].name).toBe('model.layers.1');
    expect(seqs[2].options.modules.map((m) => m.name)).toEqual(['model.norm', 'lm_head']);
    expect(q.quantizationParams.size).toBe(14); // every Linear but lm_head, each covered once
  });

  it('independent: each modifier runs its own inferred pipeline, alone', () => {
    const a = new SpinQuantModifier({ rotations: ['R1'], centerEmbeddings: false });
    const b = new QuantizationModifier({ scheme: 'W8A8', ignore: ['lm_head'] });
    const { rows } = trace({ model: small(), recipe: [a, b], pipeline: 'independent' });
    const body = rows.slice(rows.indexOf('event calibration_epoch_start'), rows.indexOf('finalize'));
    expect(body.filter((r) => r.startsWith('event ')).length).toBe(6);
    // the first run ends with: event calibration_epoch_end, SpinQuant.onEvent, ended (set as onEnd begins), .onEnd
    const firstEnd = body.indexOf('event calibration_epoch_end') + 4;
    expect(body.slice(firstEnd - 4, firstEnd)).toEqual(['event calibration_epoch_end', 'SpinQuantModifier.onEvent', 'SpinQuantModifier ended', 'SpinQuantModifier.onEnd']);
    expect(body.slice(0, firstEnd).some((r) => r.startsWith('QuantizationModifier'))).toBe(false);
    expect(body.slice(firstEnd).some((r) => r.startsWith('SpinQuantModifier'))).toBe(false);
    expect(a.finalized && b.finalized).toBe(true);
  });
});

describe('determinism', () => {
  it('same seed → same model; random streams split per modifier position', () => {
    const run = (seed: number, model: Model = small()) => {
      trace({ model, recipe: [new SpinQuantModifier({ rotations: ['R1', 'R2'], transformType: 'random-hadamard', centerEmbeddings: false })], seed });
      return model.contentHash();
    };
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
  });
});
