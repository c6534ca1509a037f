/**
 * `llmc-sim replay FILE`: re-executes a journal's calls and checks every effect digest and model
 * hash (exit 0 "replay matches", exit 1 on the first divergence, exit 2 on damage); `--to N` prints
 * the state after call N; `--recover` replays the intact prefix of a damaged journal. Never writes
 * to the journal.
 */
import { loadModel } from '../../../model/load/index.ts';
import { builtinModelPath, isBuiltinModelName } from '../../../model/builtinModels.ts';
import type { Model } from '../../../model/model.ts';
import {
  JournalDamageError,
  describeDamage,
  JournalModelError,
  readJournal,
  ReferencedJournalError,
  readSnapshotFile,
  replayJournal,
  SnapshotCache,
  snapshotPath,
  stateAt,
  writeSnapshotFile,
  type CallEntry,
  type Divergence,
  type Journal,
  type StateSummary,
} from '../../../log/index.ts';
import { ExitError, parseIntOption } from '../../errors.ts';
import { Stdout } from '../log/output.ts';

export interface ReplayCliOptions {
  model?: string;
  json?: boolean;
  to?: number;
  recover?: boolean;
  /** `--no-snapshot`: neither read nor write `FILE.snap`. */
  snapshot?: boolean;
}

const short = (h: string | undefined) => (h ? `${h.slice(0, 12)}…` : 'none');

export function describeDivergence(d: Divergence): string {
  const head = `diverged at call ${d.call} (step ${d.step}, event ${d.event})`;
  if (d.what === 'model') {
    return `${head}: expected model sha256 ${short(d.expected.m)} got ${short(d.got.m)}, first differing effect: the model's weights after the call`;
  }
  if (d.effect) {
    const f = d.effect;
    return `${head}: expected ${d.expected.x} effects (digest ${d.expected.e}) got ${d.got.x} (digest ${d.got.e}), first differing effect: #${f.index} expected ${f.expected ?? 'nothing'}, got ${f.got ?? 'nothing'}`;
  }
  // A version-1 journal stores a digest of a call's effects, not the effects.
  const first = d.records.find((r) => !r.type.startsWith('call.'));
  const shown = first ? JSON.stringify({ ...first, seq: undefined }) : 'none';
  return `${head}: expected ${d.expected.x} records (digest ${d.expected.e}) got ${d.got.x} (digest ${d.got.e}), first differing effect: at or before ${shown} (a version-1 journal stores a digest of a call's effects, not the effects)`;
}

/** Reads a journal; a damaged header or an unreadable file is exit 2. */
export function openJournal(file: string): Journal {
  try {
    return readJournal(file);
  } catch (e) {
    if (e instanceof JournalDamageError) throw new ExitError(e.message, 2);
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new ExitError(`${file}: cannot read journal (${code})`, 2);
    throw e;
  }
}

/** A stored call in a few words: the event type, the calibration batch or subgraph it names. */
function describeCall(c: CallEntry['c']): string {
  switch (c.call) {
    case 'event':
      return `event ${c.type}`;
    case 'calibrationForward':
      return `calibrationForward batch ${c.batch}${c.hooks ? '' : ', hooks disabled'}`;
    case 'sequentialEpochEnd':
      return `sequentialEpochEnd ${c.subgraph === null ? 'all modules' : `subgraph ${c.subgraph}`}`;
    case 'selectPipeline':
      return `selectPipeline ${c.pipeline ?? '(inferred)'}`;
    case 'independentScope':
      return `independentScope ${c.modifier === null ? 'all modifiers' : `modifier ${c.modifier}`}`;
    default:
      return c.call;
  }
}

/**
 * The model `--model` names (a path or a shipped model's name), or the shipped model the header names
 * (e.g. `oneshot --model stories260K --log`); undefined for the synthetic model. The replay checks its tensor hashes.
 */
async function replayModelFile(journal: Journal, spec: string | undefined): Promise<Model | undefined> {
  const name = spec ?? journal.header.model?.source;
  if (name !== undefined && isBuiltinModelName(name)) return loadModel(builtinModelPath(name));
  return spec === undefined ? undefined : loadModel(spec);
}

function printState(s: StateSummary, line: (t: string) => void): void {
  const c = s.entry?.c;
  line(`state after call ${s.call}${c ? ` (${describeCall(c)})` : ''}`);
  line(`  lifecycle: ${s.initialized ? 'initialized' : 'not initialized'}${s.finalized ? ', finalized' : ''} · global step ${s.globalStep} · order state ${s.orderState}`);
  line('  modifiers:');
  for (const m of s.modifiers) {
    const flags = (['initialized', 'started', 'ended', 'finalized'] as const).filter((f) => m[f]).join(',') || '–';
    line(`    ${m.position} ${m.group ? `${m.group}/` : ''}${m.type}: ${m.phase} [${flags}]`);
  }
  if (s.model) {
    line('  model sparsity per Linear:');
    for (const [name, v] of Object.entries(s.model.sparsity)) line(`    ${name}: ${(v * 100).toFixed(1)}%`);
    line(`  quantized modules: ${s.model.quantized.length ? s.model.quantized.join(', ') : 'none'}`);
  }
  line(`  effects of call ${s.call}:`);
  for (const e of s.effects) line(`    ${JSON.stringify(e)}`);
  if (s.entry?.m) line(`  model sha256 after the call: ${s.entry.m}`);
}

/** Says on stderr what happened to the snapshots and writes them back when they changed (a cache: failing to is not an error). */
function saveSnapshots(cache: SnapshotCache, file: string): void {
  const why = cache.changed ? writeSnapshotFile(snapshotPath(file), cache.snapshots, file) : null;
  for (const note of [...cache.notes, ...(why ? [`snapshots not saved: ${why}`] : [])]) process.stderr.write(`snapshot: ${note}\n`);
}

/**
 * The exit for a journal whose starting model cannot be had: the wrong model (or none where one is needed), and a
 * referenced journal that is missing, damaged or not the one the header names, are usage problems (2, naming the
 * tensor or the file); a referenced journal whose replay diverges exits 1, as any divergence. Other errors pass.
 */
export function modelProblemExit(e: unknown, file: string): unknown {
  if (e instanceof ReferencedJournalError) return new ExitError(e.message, e.problem === 'diverged' ? 1 : 2);
  if (e instanceof JournalModelError) return new ExitError(`${file}: ${e.message}`, 2);
  return e;
}

export async function replay(file: string, options: ReplayCliOptions): Promise<void> {
  try {
    await replayChecked(file, options);
  } catch (e) {
    throw modelProblemExit(e, file);
  }
}

async function replayChecked(file: string, options: ReplayCliOptions): Promise<void> {
  const out = new Stdout();
  try {
    const journal = openJournal(file);
    if (journal.damage && !options.recover) {
      const d = journal.damage;
      if (options.json) out.line(JSON.stringify({ status: 'damaged', damage: d, intactCalls: journal.calls.length }));
      throw new ExitError(`${file}: damaged journal at ${describeDamage(d)}; \`llmc-sim replay --recover\` replays the ${journal.calls.length} intact calls before it`, 2);
    }
    const model = await replayModelFile(journal, options.model);
    if (options.to !== undefined) {
      if (options.to > journal.calls.length) throw new ExitError(`--to: the journal holds ${journal.calls.length} calls, asked for call ${options.to}`, 2);
      const cache = options.snapshot === false ? undefined : new SnapshotCache(readSnapshotFile(snapshotPath(file)), snapshotPath(file));
      const at = stateAt(journal, options.to, { model, recover: options.recover, snapshots: cache });
      if (cache) saveSnapshots(cache, file);
      if (options.json) out.line(JSON.stringify({ status: at.divergence ? 'diverged' : 'ok', state: at.state }));
      else printState(at.state, out.line);
      if (at.divergence) throw new ExitError(describeDivergence(at.divergence), 1);
      return;
    }
    const r = replayJournal(journal, { model, recover: options.recover });
    const damage = journal.damage;
    if (options.json) {
      out.line(JSON.stringify({ status: r.divergence ? 'diverged' : 'match', calls: r.calls, damage, dropped: r.dropped, divergence: r.divergence && { ...r.divergence, records: r.divergence.records.length, message: describeDivergence(r.divergence) } }));
    }
    if (damage) {
      process.stderr.write(`recovered: replayed the intact prefix; dropped ${r.dropped} record(s) from ${describeDamage(damage)}\n`);
    }
    if (r.divergence) throw new ExitError(describeDivergence(r.divergence), 1);
    if (!options.json) out.line(`replay matches: ${r.calls} calls`);
  } finally {
    out.flush();
  }
}
