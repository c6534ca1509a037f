import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/lifecycle/session.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import type { Model } from '../../src/model/model.ts';
import type { Linear } from '../../src/model/modules.ts';
import { diffJournals, JournalModelError, memorySink, readJournal, recordOneshot, replayJournal, type CallEntry, type Journal } from '../../src/log/index.ts';
import { useWarningCapture } from '../helpers/errors.ts';

useWarningCapture();

const MODEL_OPTIONS = { dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 32 };
const CALIB = [[1, 2, 3, 4, 5], [6, 7, 8, 9], [3, 1, 4, 1, 5, 9]];

const GPTQ = `quant_stage:
  quant_modifiers:
    GPTQModifier:
      targets: ["Linear"]
      ignore: [lm_head]
      scheme: W8A8
`;
const SPINQUANT = `quant_stage:
  quant_modifiers:
    SpinQuantModifier:
      rotations: [R1]
      transform_type: random-hadamard
      center_embeddings: false
    QuantizationModifier:
      targets: [Linear]
      scheme: W8A8
      ignore: [lm_head]
`;

const model = (seed = 0): Model => createSyntheticModel({ seed, ...MODEL_OPTIONS });

function record(recipe: string, options: { pipeline?: string | null; seed?: number; given?: Model } = {}): Journal {
  const m = options.given ?? model();
  const sink = memorySink();
  createSession(() =>
    recordOneshot({ model: m, recipe, calibrationData: CALIB, seed: options.seed ?? 0, pipeline: options.pipeline ?? null }, sink, {
      recipe,
      model: { source: 'synthetic', options: { seed: 0, ...MODEL_OPTIONS }, model: m },
    }),
  );
  const j = readJournal(sink.bytes());
  expect(j.damage).toBeNull();
  return j;
}

const kinds = (j: Journal) => j.calls.map((c) => c.c.call);
const firstIndex = (j: Journal, pred: (c: CallEntry) => boolean) => j.calls.findIndex(pred);

describe('oneshot journals (recordOneshot → replayJournal)', () => {
  it('sequential GPTQ: calibration forwards and subgraph epochs are calls; the replay matches every digest and model hash', () => {
    const j = record(GPTQ);
    expect(j.header.settings).toMatchObject({ driver: 'oneshot', pipeline: null });
    expect(kinds(j).slice(0, 3)).toEqual(['reset', 'initialize', 'selectPipeline']);
    // 1 layer: subgraphs 0 and 1 (norm + lm_head), each 3 hooked forwards, an epoch end, 3 propagation forwards
    const ends = j.calls.filter((c) => c.c.call === 'sequentialEpochEnd');
    expect(ends.map((c) => (c.c as { subgraph: number }).subgraph)).toEqual([0, 1]);
    expect(j.calls.filter((c) => c.c.call === 'calibrationForward')).toHaveLength(2 * 2 * CALIB.length);
    // GPTQ changes the layer's weights at its subgraph's epoch end: the model hash is stored there
    expect(ends[0].m).toMatch(/^[0-9a-f]{64}$/);
    // the data never enters a forward call, only its batch index
    expect(JSON.stringify(j.calls.filter((c) => c.c.call === 'calibrationForward'))).not.toContain('[1,2,3');
    const r = replayJournal(j);
    expect(r.divergence).toBeNull();
    expect(r.calls).toBe(j.calls.length);
  });

  it.each([['datafree'], ['basic'], ['independent']])('%s pipeline (SpinQuant random-hadamard + W8A8) replays', (pipeline) => {
    const j = record(SPINQUANT, { pipeline });
    if (pipeline === 'independent') expect(kinds(j)).toContain('independentScope');
    if (pipeline === 'basic') expect(kinds(j)).toContain('calibrationForward');
    const r = replayJournal(j);
    expect(r.divergence).toBeNull();
    expect(r.calls).toBe(j.calls.length);
  });

  it("a pipeline the recipe does not infer: W3 is recorded inside the selectPipeline call and the replay reproduces it", () => {
    const j = record(SPINQUANT, { pipeline: 'sequential' });
    const select = j.calls[firstIndex(j, (c) => c.c.call === 'selectPipeline')];
    expect(select.x).toBe(1);
    expect(replayJournal(j).divergence).toBeNull();
  });

  it('a weight edited during the replay diverges at the next call that hashes the model, not before', () => {
    const j = record(GPTQ);
    const end0 = firstIndex(j, (c) => c.c.call === 'sequentialEpochEnd');
    const lastForward = end0 - 1;
    expect(j.calls[lastForward].c.call).toBe('calibrationForward');
    const r = replayJournal(j, {
      onCall: (stored, _got, _records, lifecycle) => {
        if (stored.n !== lastForward + 1) return;
        const w = ((lifecycle.state.model as Model).getModule('model.layers.0.mlp.up_proj') as Linear).weight.data;
        w[0] += 0.5;
      },
    });
    expect(r.divergence?.call).toBe(end0 + 1);
    expect(r.divergence?.what).toBe('model');
    expect(r.divergence?.event).toBe('sequentialEpochEnd');
  });

  it('a different seed (SpinQuant random rotations) diverges at the call that fuses the rotations', () => {
    const j = record(SPINQUANT);
    const edited: Journal = structuredClone(j);
    const init = edited.calls[1].c as { options: Record<string, unknown> };
    expect(init.options.seed).toBe(0);
    init.options.seed = 1;
    const r = replayJournal(edited);
    // the first call after initialize whose stored model hash or effects the rotations change
    const other = record(SPINQUANT, { seed: 1 });
    const expected = j.calls.findIndex((c, i) => i > 0 && (c.m !== other.calls[i].m || c.e !== other.calls[i].e)) + 1;
    expect(expected).toBeGreaterThan(0);
    expect(r.divergence?.call).toBe(expected);
    // diff of the two recordings: the first differing call is the initialize (its seed option)
    const d = diffJournals(j, other);
    expect(d.first?.call).toBe(2);
  });

  it('a batch index edited in a calibration forward diverges at its subgraph epoch end', () => {
    const j = record(GPTQ);
    const edited: Journal = structuredClone(j);
    const forward = edited.calls[firstIndex(edited, (c) => c.c.call === 'calibrationForward')].c as { batch: number };
    forward.batch = 2;
    const r = replayJournal(edited);
    expect(r.divergence?.call).toBe(firstIndex(j, (c) => c.c.call === 'sequentialEpochEnd') + 1);
  });

  it('refuses the wrong model by tensor hash, naming the tensor', () => {
    const j = record(GPTQ);
    const wrong = model();
    (wrong.getModule('model.layers.0.self_attn.q_proj') as Linear).weight.data[3] += 1;
    expect(() => replayJournal(j, { model: wrong })).toThrow(JournalModelError);
    expect(() => replayJournal(j, { model: wrong })).toThrow(/tensor 'model\.layers\.0\.self_attn\.q_proj\.weight' differs/);
  });
});
