/**
 * Comparing two journals: the header fields that differ, the first call where they part (the call
 * itself, its effects, or the model after it) with the first differing record found by replaying both
 * up to there, and a summary (calls, differing calls, final model hashes, final phases). A version-1
 * and a version-2 journal store effects differently: their calls and model hashes are compared, and
 * their effects through the replay.
 */
import { ReferencedJournalError } from './errors.ts';
import { isJournalModel, type CallEntry, type JournalHeader } from './format.ts';
import { readJournal, type Journal } from './reader.ts';
import type { ReplayOptions } from './replay.ts';
import type { JsonValue } from './serialize.ts';
import { stateAt } from './timeTravel.ts';

export interface HeaderDifference {
  field: string;
  a: JsonValue;
  b: JsonValue;
}

export interface FirstDifference {
  call: number;
  what: 'call' | 'effects' | 'model' | 'only in a' | 'only in b';
  a: CallEntry | null;
  b: CallEntry | null;
  /** The first record of that call that differs (index within the call's records), when both replay. */
  effect: { index: number; a: JsonValue | null; b: JsonValue | null } | null;
}

export interface JournalDiff {
  header: HeaderDifference[];
  first: FirstDifference | null;
  summary: {
    calls: [number, number];
    differingCalls: number;
    finalModel: [string | null, string | null];
    phases: [string[] | null, string[] | null];
  };
}

const HEADER_FIELDS: Array<keyof JournalHeader> = ['version', 'llmcSim', 'fidelity', 'seed', 'recipe', 'settings'];
const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);

function headerDiff(a: JournalHeader, b: JournalHeader): HeaderDifference[] {
  const out: HeaderDifference[] = [];
  for (const f of HEADER_FIELDS) if (!same(a[f], b[f])) out.push({ field: f, a: a[f] as JsonValue, b: b[f] as JsonValue });
  const ma = a.model;
  const mb = b.model;
  if (!ma || !mb) {
    if (ma !== mb) out.push({ field: 'model', a: ma?.source ?? null, b: mb?.source ?? null });
  } else {
    if (ma.source !== mb.source) out.push({ field: 'model.source', a: ma.source, b: mb.source });
    const ra = isJournalModel(ma) ? ma.journal : null;
    const rb = isJournalModel(mb) ? mb.journal : null;
    if (ra && rb && !same(ra, rb)) out.push({ field: 'model.journal', a: { ...ra }, b: { ...rb } });
    const names = [...new Set([...Object.keys(ma.tensors), ...Object.keys(mb.tensors)])];
    const differ = names.filter((t) => ma.tensors[t] !== mb.tensors[t]);
    if (differ.length) {
      out.push({ field: 'model.tensors', a: `${differ.length} of ${names.length} tensors differ, first ${differ[0]}: ${ma.tensors[differ[0]] ?? 'absent'}`, b: mb.tensors[differ[0]] ?? 'absent' });
    }
  }
  return out;
}

/** `effects`: whether the two journals' effects compare (same stored version: the same digest, the same words). */
function entryDiff(a: CallEntry | undefined, b: CallEntry | undefined, effects: boolean): FirstDifference['what'] | null {
  if (!a && !b) return null;
  if (!b) return 'only in a';
  if (!a) return 'only in b';
  if (!same(a.c, b.c)) return 'call';
  if (effects && (a.e !== b.e || a.x !== b.x)) return 'effects';
  if (a.m !== b.m) return 'model';
  return null;
}

function effectsOf(j: Journal, n: number, options: Omit<ReplayOptions, 'to' | 'onCall'>): JsonValue[] | null {
  try {
    return stateAt(j, n, { ...options, recover: true }).state.effects;
  } catch (e) {
    // A journal whose model cannot be rebuilt is compared by its stored entries; a referenced journal that
    // cannot give the model is an error naming it (replay.ts `startModel`).
    if (e instanceof ReferencedJournalError) throw e;
    return null;
  }
}

function finalPhases(j: Journal, options: Omit<ReplayOptions, 'to' | 'onCall'>): string[] | null {
  try {
    return stateAt(j, j.calls.length, { ...options, recover: true }).state.modifiers.map((m) => `${m.type}:${m.phase}`);
  } catch (e) {
    // A journal whose model cannot be rebuilt is compared by its stored entries; a referenced journal that
    // cannot give the model is an error naming it (replay.ts `startModel`).
    if (e instanceof ReferencedJournalError) throw e;
    return null;
  }
}

/** Compares two journals (paths, bytes or read journals); damaged ones are compared up to their intact prefix. */
export function diffJournals(
  inputA: Journal | string | Uint8Array,
  inputB: Journal | string | Uint8Array,
  options: { a?: Omit<ReplayOptions, 'to' | 'onCall'>; b?: Omit<ReplayOptions, 'to' | 'onCall'> } = {},
): JournalDiff {
  const a = typeof inputA === 'string' || inputA instanceof Uint8Array ? readJournal(inputA) : inputA;
  const b = typeof inputB === 'string' || inputB instanceof Uint8Array ? readJournal(inputB) : inputB;
  let first: FirstDifference | null = null;
  let differing = 0;
  const n = Math.max(a.calls.length, b.calls.length);
  for (let i = 0; i < n; i++) {
    // Version 1 stored a digest of records$, versions 2 and 3 the effects: the two compare only among themselves.
    const what = entryDiff(a.calls[i], b.calls[i], (a.storedVersion === 1) === (b.storedVersion === 1));
    if (!what) continue;
    differing++;
    if (!first) first = { call: i + 1, what, a: a.calls[i] ?? null, b: b.calls[i] ?? null, effect: null };
  }
  if (first && first.a && first.b) {
    const ea = effectsOf(a, first.call, options.a ?? {});
    const eb = effectsOf(b, first.call, options.b ?? {});
    if (ea && eb) {
      const strip = (r: JsonValue) => JSON.stringify({ ...(r as object), seq: undefined });
      const len = Math.max(ea.length, eb.length);
      for (let i = 0; i < len; i++) {
        if (i >= ea.length || i >= eb.length || strip(ea[i]) !== strip(eb[i])) {
          first.effect = { index: i, a: ea[i] ?? null, b: eb[i] ?? null };
          break;
        }
      }
    }
  }
  const lastModel = (j: Journal) => [...j.calls].reverse().find((c) => c.m)?.m ?? null;
  return {
    header: headerDiff(a.header, b.header),
    first,
    summary: {
      calls: [a.calls.length, b.calls.length],
      differingCalls: differing,
      finalModel: [lastModel(a), lastModel(b)],
      phases: [finalPhases(a, options.a ?? {}), finalPhases(b, options.b ?? {})],
    },
  };
}

