/** A small training run to record: two pruning modifiers on a tiny synthetic model. */
import type { Fidelity } from '../../src/core/fidelity.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import type { Model } from '../../src/model/model.ts';
import { memorySink, trainingDriverCalls, writeJournal, type DriverCall, type HeaderInput } from '../../src/log/index.ts';

export const RECIPE = `pruning_stage:
  attn_modifiers:
    MagnitudePruningModifier:
      targets: ["re:.*self_attn\\\\.(q|k)_proj$"]
      init_sparsity: 0.1
      final_sparsity: 0.4
      start: 1
      end: 3
      update: 1
  mlp_modifiers:
    ConstantPruningModifier:
      targets: ["re:.*mlp\\\\.up_proj$"]
      start: 2
`;

export const MODEL_OPTIONS = { dim: 16, hiddenDim: 32, layers: 1, heads: 2, kvHeads: 1, vocab: 32, outlierChannels: 2 };

export const smallModel = (seed: number): Model => createSyntheticModel({ seed, ...MODEL_OPTIONS });

export function smallHeader(seed: number, fidelity: Fidelity = 'default', model: Model | null = smallModel(seed)): HeaderInput {
  return {
    fidelity,
    seed,
    recipe: RECIPE,
    settings: { driver: 'test' },
    model: model ? { source: 'synthetic', options: { seed, ...MODEL_OPTIONS }, model } : null,
  };
}

/** A training run's calls (with optimizer steps) on a fresh small model. */
export function trainingRun(seed: number, epochs = 3, stepsPerEpoch = 2): { header: HeaderInput; calls: DriverCall[] } {
  const header = smallHeader(seed);
  const model = header.model!.model;
  return { header, calls: [...trainingDriverCalls({ recipe: RECIPE, epochs, stepsPerEpoch, model, seed })] };
}

export function journalBytes(header: HeaderInput, calls: Iterable<DriverCall>): Uint8Array {
  const sink = memorySink();
  writeJournal(sink, header, calls);
  return sink.bytes();
}

/**
 * Byte offsets where each record starts (record 0, the header, at 0 with the magic), read from the
 * frames alone (`[varint length][payload][4-byte CRC]`, docs/journal-format.md), independently of the reader.
 */
export function recordStarts(bytes: Uint8Array): number[] {
  const starts: number[] = [];
  let p = 0;
  while (p < bytes.length) {
    starts.push(p);
    let q = starts.length === 1 ? 8 : p;
    let length = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[q++];
      length += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    p = q + length + 4;
  }
  return starts;
}
