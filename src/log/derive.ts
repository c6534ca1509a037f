/**
 * What a replay derives for each call, by the journal's version: version 2 through the tap (the
 * effects as words, compared word by word, so a divergence names the first differing effect);
 * version 1 through `records$` and the version-1 fold (a digest and a count, compared as such).
 */
import type { LifecycleRecord } from '../core/records.ts';
import type { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import type { Model } from '../model/model.ts';
import { CallRecorder } from './callRecorder.ts';
import { hex8 } from './crc32.ts';
import { describeEffect, effectsDigest, TAG_GENERIC } from './effects.ts';
import type { CallEntry, JournalCall } from './format.ts';
import { CallTap, type TapCall } from './tap.ts';

/** The first effect that differs: its index in the call's effects, and each side described ("ConstantPruningModifier#2 onStart"), null for "nothing". */
export interface EffectDifference {
  index: number;
  expected: string | null;
  got: string | null;
}

export interface DeriveSettings {
  recipeRef: boolean;
  model: Model | null;
  keepRecords: boolean;
}

export interface Mismatch {
  what: 'effects' | 'model';
  effect: EffectDifference | null;
}

/** Drives a replay's recording side: told each call, it derives the call's entry for comparison. */
export interface Deriver {
  expect(c: JournalCall): void;
  optimizerStep(globalStep: number, lr: number): void;
  endCall(): void;
  /** Whether the last call was committed (it always is, unless the recorder is broken). */
  committed(): boolean;
  /** Null when the last call's derived entry matches the stored one. */
  mismatch(stored: CallEntry, modifierType: (position: number) => string | null): Mismatch | null;
  /** The last call's derived entry. */
  entry(stored: CallEntry): CallEntry;
  /** The last call's records, when kept. */
  records(): LifecycleRecord[] | null;
  close(): void;
}

/** Version 1: the records$ fold, a digest and a count per call. */
export function derivedV1(lifecycle: CompressionLifecycle, s: DeriveSettings): Deriver {
  let got: CallEntry | null = null;
  let gotRecords: LifecycleRecord[] | null = null;
  const recorder = new CallRecorder(lifecycle, {
    recipeRef: s.recipeRef,
    model: s.model,
    keepRecords: s.keepRecords,
    onEntry: (entry, records) => {
      got = entry;
      gotRecords = records;
    },
  });
  return {
    expect: (c) => {
      got = null;
      recorder.expect(c);
    },
    optimizerStep: (g, lr) => {
      got = null;
      recorder.optimizerStep(g, lr);
    },
    endCall: () => recorder.endCall(),
    committed: () => got !== null,
    mismatch: (stored) => {
      const e = got!;
      if (e.e !== stored.e || e.x !== stored.x) return { what: 'effects', effect: null };
      return e.m !== stored.m ? { what: 'model', effect: null } : null;
    },
    entry: () => got!,
    records: () => gotRecords,
    close: () => recorder.close(),
  };
}

/** Version 2: the tap's words, compared one by one with the stored effects. */
export function derivedV2(lifecycle: CompressionLifecycle, s: DeriveSettings): Deriver {
  let got: TapCall | null = null;
  let current: LifecycleRecord[] = [];
  let gotRecords: LifecycleRecord[] | null = null;
  const sub = s.keepRecords ? lifecycle.records$.subscribe((r) => current.push(r)) : null;
  const tap = new CallTap(lifecycle, {
    recipeRef: s.recipeRef,
    model: s.model,
    onCall: (c) => {
      got = c;
      if (sub) {
        gotRecords = current;
        current = [];
      }
    },
  });
  return {
    expect: (c) => {
      got = null;
      tap.expect(c);
    },
    optimizerStep: (g, lr) => {
      got = null;
      tap.optimizerStep(g, lr);
    },
    endCall: () => tap.endCall(),
    committed: () => got !== null,
    mismatch: (stored, modifierType) => firstDifference(stored, got!, modifierType),
    entry: (stored) => {
      const t = got!;
      const fx = { w: Array.from(t.words.subarray(0, t.count)), g: t.generic };
      const entry: CallEntry = { n: stored.n, c: stored.c, e: hex8(effectsDigest(fx, t.step)), x: t.count, fx };
      if (t.step !== undefined) entry.s = t.step;
      if (t.m !== undefined) entry.m = t.m;
      return entry;
    },
    records: () => gotRecords,
    close: () => {
      tap.close();
      sub?.unsubscribe();
    },
  };
}

function firstDifference(stored: CallEntry, t: TapCall, modifierType: (position: number) => string | null): Mismatch | null {
  const fx = stored.fx ?? { w: [], g: [] };
  const w = fx.w;
  const n = Math.max(w.length, t.count);
  for (let i = 0; i < n; i++) {
    const a = i < w.length ? w[i] : -1;
    const b = i < t.count ? t.words[i] : -1;
    if (a === b && (a & 15) !== TAG_GENERIC) continue;
    if (a === b && fx.g[a >>> 4] === t.generic[b >>> 4]) continue;
    return {
      what: 'effects',
      effect: { index: i, expected: a < 0 ? null : describeEffect(a, fx.g, modifierType), got: b < 0 ? null : describeEffect(b, t.generic, modifierType) },
    };
  }
  if (!Object.is(stored.s, t.step)) {
    const step = (v: number | undefined) => (v === undefined ? 'no resolved global step' : `resolved global step ${v}`);
    return { what: 'effects', effect: { index: 0, expected: step(stored.s), got: step(t.step) } };
  }
  return stored.m !== t.m ? { what: 'model', effect: null } : null;
}
