/**
 * The error table users see (`llmc-sim quantize`): how far RTN quantization moves a model's outputs, with
 * and without SpinQuant rotations first, measured without calibration data.
 *
 * Rows: `FP` (the float model), `RTN` (QuantizationModifier alone), then one `<label> + RTN` per rotation
 * setting. Columns: logit MSE and KL(float ‖ quantized) (mean over positions) on evaluation sequences, and
 * the perplexity of each model on those sequences. The sequences are sampled from the float model (seeded,
 * temperature 1, starting at BOS = 1), so FP's perplexity is the float model's own. Also: the invariance
 * drift of each rotation setting alone, with and without embedding centring (SpinQuant's drift report).
 *
 * Every variant runs on a clone through `oneshot` in its own session (`createSession`): the model passed in
 * is not changed and the caller's session records nothing.
 */
import { createSession } from '../lifecycle/session.ts';
import { setWarningSink } from '../core/logger.ts';
import { ValueError } from '../core/errors.ts';
import type { Model } from '../model/model.ts';
import { Rng } from '../tensor/rng.ts';
import { softmax } from '../tensor/kernels/softmax.ts';
import { oneshot } from '../sim/oneshot.ts';
import type { Modifier } from '../modifiers/modifier.ts';
import { SpinQuantModifier, type SpinQuantModifierArgs } from '../modifiers/spinquant/base.ts';
import type { DriftReport } from '../modifiers/spinquant/drift.ts';
import { QuantizationModifier, type QuantizationModifierArgs } from '../modifiers/quantization/base.ts';

export interface ErrorTableOptions {
  /** The RTN run, e.g. `{ scheme: 'W4A4', targets: ['Linear'], ignore: ['lm_head'] }`. */
  quantization: QuantizationModifierArgs;
  /**
   * Rotation settings by row label, each a SpinQuantModifier's arguments run before the same RTN.
   * Default `{ 'R1+R2': { rotations: ['R1', 'R2'], centerEmbeddings: false } }`.
   */
  rotations?: Record<string, SpinQuantModifierArgs>;
  /** Evaluation sequences; default: `samples` sequences sampled from the float model. */
  sequences?: number[][];
  /** Sampled sequences (default 4). */
  samples?: number;
  /** Tokens per sampled sequence, BOS included (default 32). */
  sampleLength?: number;
  /** Seed of the sampling and of random transforms (default 0). */
  seed?: number;
  /** Called after each one-shot run (of `1 + 3 · rotation settings`), e.g. to advance a progress bar. */
  onRun?: (label: string) => void;
}

export interface ErrorTableRow {
  label: string;
  /** Mean squared logit difference vs FP over every position and vocabulary entry. */
  logitMse: number;
  /** KL(p_FP ‖ p_row), nats, mean over positions. */
  kl: number;
  /** exp(mean next-token NLL) on the evaluation sequences. */
  perplexity: number;
}

export interface RotationDrift {
  label: string;
  /** Rotations alone with `centerEmbeddings: true` (SpinQuant's default): centring drift, then rotation drift. */
  withCentering: DriftReport;
  /** Rotations alone with `centerEmbeddings: false`. */
  withoutCentering: DriftReport;
}

export interface ErrorTable {
  rows: ErrorTableRow[];
  drift: RotationDrift[];
  sequences: number[][];
  /** Warnings the runs logged (e.g. T20), in order, without repeats. */
  warnings: string[];
}

const DEFAULT_ROTATIONS: Record<string, SpinQuantModifierArgs> = { 'R1+R2': { rotations: ['R1', 'R2'], centerEmbeddings: false } };

/** Computes the table (see the module comment). Deterministic in (model, options). */
export function computeErrorTable(model: Model, options: ErrorTableOptions): ErrorTable {
  if (!options || !options.quantization) throw new ValueError('computeErrorTable needs options.quantization (QuantizationModifier arguments)');
  const seed = options.seed ?? 0;
  const rotations = options.rotations ?? DEFAULT_ROTATIONS;
  const warnings: string[] = [];
  const previous = setWarningSink((m) => {
    if (!warnings.includes(m)) warnings.push(m);
  });
  try {
    const sequences = options.sequences ?? sampleSequences(model, options.samples ?? 4, options.sampleLength ?? 32, seed);
    if (sequences.length === 0 || sequences.some((s) => s.length < 2)) throw new ValueError('computeErrorTable needs sequences of at least 2 tokens');
    const logits = (m: Model) => sequences.map((s) => logitsOf(m, s));
    const reference = logits(model);
    // FP's own logits are the reference: no second forward pass of the float model.
    const row = (label: string, got: Float64Array[]): ErrorTableRow => ({ label, ...compare(reference, got, sequences, model.config.vocabSize) });
    const run = (modifiers: Modifier[]): Model => {
      const clone = model.clone();
      createSession(() => oneshot({ model: clone, recipe: modifiers, seed }));
      options.onRun?.(modifiers.map((m) => m.constructor.name.replace(/Modifier$/, '')).join(' + '));
      return clone;
    };
    const rows: ErrorTableRow[] = [row('FP', reference), row('RTN', logits(run([new QuantizationModifier(options.quantization)])))];
    const drift: RotationDrift[] = [];
    for (const [label, args] of Object.entries(rotations)) {
      rows.push(row(`${label} + RTN`, logits(run([new SpinQuantModifier(args), new QuantizationModifier(options.quantization)]))));
      const alone = (center: boolean): DriftReport => {
        const sq = new SpinQuantModifier({ ...args, centerEmbeddings: center, center_embeddings: undefined });
        run([sq]);
        return sq.drift as DriftReport;
      };
      drift.push({ label, withCentering: alone(true), withoutCentering: alone(false) });
    }
    return { rows, drift, sequences, warnings };
  } finally {
    setWarningSink(previous);
  }
}

/** A plain-text rendering of the table and the drift lines. */
export function formatErrorTable(table: ErrorTable): string {
  const out = formatErrorRows(table.rows);
  for (const d of table.drift) {
    out.push(
      `${d.label} alone, invariance drift (max |Δlogit|, MSE): centring ${sci(d.withCentering.centering.maxAbs)}, ${sci(d.withCentering.centering.mse)}` +
        `; rotations ${sci(d.withoutCentering.rotations.maxAbs)}, ${sci(d.withoutCentering.rotations.mse)} without centring` +
        `, ${sci(d.withCentering.rotations.maxAbs)}, ${sci(d.withCentering.rotations.mse)} after centring`,
    );
  }
  return out.join('\n');
}

const sci = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toPrecision(4) : x.toExponential(3));

/** Rows as text cells under their column names (the first column's name is `labelHeader`). */
export function errorRowCells(rows: readonly ErrorTableRow[], labelHeader = ''): { header: string[]; rows: string[][] } {
  return {
    header: [labelHeader, 'logit MSE', 'KL (nats)', 'perplexity'],
    rows: rows.map((r) => [r.label, sci(r.logitMse), sci(r.kl), r.perplexity.toFixed(3)]),
  };
}

/** Rows as aligned text lines, the column names first: labels left, numbers right. */
export function formatErrorRows(rows: readonly ErrorTableRow[], labelHeader = ''): string[] {
  const { header, rows: body } = errorRowCells(rows, labelHeader);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...body.map(line)];
}

/** @internal */
export function logitsOf(model: Model, tokens: readonly number[]): Float64Array {
  return Float64Array.from(model.forward(tokens).data);
}

/**
 * Sequences sampled from `model` at temperature 1, from BOS (1), with a seeded stream. Each sequence runs on
 * the KV-cached decoder (`Model.decoder()`, bit-identical to forward's last row), one token-forward per token.
 */
export function sampleSequences(model: Model, count: number, length: number, seed: number): number[][] {
  const vocab = model.config.vocabSize;
  const len = Math.min(length, model.config.maxPositionEmbeddings);
  const rng = new Rng(String(seed)).split('errorTable:samples');
  const out: number[][] = [];
  const dec = len > 1 && count > 0 ? model.decoder() : null;
  for (let s = 0; s < count; s++) {
    const seq = [Math.min(1, vocab - 1)];
    if (dec) dec.reset();
    let row = dec ? dec.step(seq[0]) : null; // (vocab,) logits of the last token
    while (row && seq.length < len) {
      const p = Float64Array.from(row);
      softmax(p, p.length);
      let u = rng.uniform();
      let next = vocab - 1;
      for (let i = 0; i < vocab; i++) {
        u -= p[i];
        if (u < 0) {
          next = i;
          break;
        }
      }
      seq.push(next);
      if (seq.length < len) row = dec!.step(next);
    }
    out.push(seq);
  }
  return out;
}

function logSoftmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(row.length);
  for (let i = 0; i < row.length; i++) out[i] = row[i] - lse;
  return out;
}

/**
 * Logit MSE, KL(reference ‖ candidate) and the candidate's perplexity over the sequences (see ErrorTableRow);
 * each sequence's logits are [len, vocab], flat. @internal
 */
export function compare(reference: Float64Array[], logits: Float64Array[], sequences: number[][], vocab: number): Omit<ErrorTableRow, 'label'> {
  let sq = 0;
  let count = 0;
  let kl = 0;
  let positions = 0;
  let nll = 0;
  let predictions = 0;
  sequences.forEach((seq, si) => {
    const ref = reference[si];
    const got = logits[si];
    for (let i = 0; i < got.length; i++) {
      const d = got[i] - ref[i];
      sq += d * d;
    }
    count += got.length;
    for (let t = 0; t < seq.length; t++) {
      const lp = logSoftmax(ref.subarray(t * vocab, (t + 1) * vocab));
      const lq = logSoftmax(got.subarray(t * vocab, (t + 1) * vocab));
      let k = 0;
      for (let v = 0; v < vocab; v++) k += Math.exp(lp[v]) * (lp[v] - lq[v]);
      kl += k;
      positions++;
      if (t + 1 < seq.length) {
        nll -= lq[seq[t + 1]];
        predictions++;
      }
    }
  });
  return { logitMse: sq / count, kl: kl / positions, perplexity: Math.exp(nll / predictions) };
}
