/**
 * A call's effects as a journal (version 2) stores them: one 32-bit word per record the call caused,
 * in order. The records every event causes (its call record, hooks, transitions) are whole in their
 * word; any other record (a refusal, a warning, an error, a modifier's domain effect) is a GENERIC word
 * pointing at the record's JSON (`serializeRecord` without `seq`). The codes below are part of the
 * format (docs/journal-format.md): they never follow a reordering of an enum elsewhere.
 */
import type { HookName, LifecycleRecord } from '../core/records.ts';
import type { ModifierPhase } from '../../machines/modifier.machine.ts';
import { serializeRecord } from './serialize.ts';

export const TAG_GENERIC = 0;
export const TAG_HOOK = 1;
export const TAG_TRANSITION = 2;
export const TAG_CALL = 3;

/** Event types by code (0 stands for "no event type"): fixed by the format. */
export const EVENT_TYPES: readonly string[] = [
  '',
  'initialize',
  'finalize',
  'batch_start',
  'loss_calculated',
  'batch_end',
  'calibration_epoch_start',
  'sequential_epoch_end',
  'calibration_epoch_end',
  'optim_pre_step',
  'optim_post_step',
];
/** The code of an event type, or -1 for one the format has no code for (stored as a generic): a scan of the few (interned) names, cheaper than a Map on the path of every event. */
export function eventCode(type: string | null): number {
  if (type === null) return 0;
  for (let i = 1; i < EVENT_TYPES.length; i++) if (EVENT_TYPES[i] === type) return i;
  return -1;
}

export const HOOKS: readonly HookName[] = ['onInitialize', 'onStart', 'onUpdate', 'onEnd', 'onEvent', 'onFinalize'];
export const FLAGS = ['initialized', 'started', 'ended', 'finalized'] as const;
export const PHASES: readonly ModifierPhase[] = ['uninitialized', 'initialized', 'started', 'ended', 'finalized'];
export const CALLS = ['initialize', 'event', 'finalize', 'reset'] as const;

/** Positions above this do not fit a word: such a modifier's records are stored as generics. */
export const MAX_POSITION = (1 << 18) - 1;

/** Hook codes by a switch on the (interned) name: cheaper than a Map on the path of every event. */
export function hookCode(h: HookName): number {
  switch (h) {
    case 'onUpdate':
      return 2;
    case 'onEvent':
      return 4;
    case 'onStart':
      return 1;
    case 'onEnd':
      return 3;
    case 'onInitialize':
      return 0;
    case 'onFinalize':
      return 5;
  }
  return -1;
}

export const hookWord = (position: number, hook: number, event: number): number => TAG_HOOK | (hook << 4) | (event << 8) | (position << 13);

export function transitionWord(position: number, flag: string, from: ModifierPhase, to: ModifierPhase): number {
  const f = (FLAGS as readonly string[]).indexOf(flag);
  const a = PHASES.indexOf(from);
  const b = PHASES.indexOf(to);
  if (f < 0 || a < 0 || b < 0 || position > MAX_POSITION) return -1;
  return TAG_TRANSITION | (f << 4) | (a << 6) | (b << 9) | (position << 13);
}

export const callWord = (call: number, event: number): number => TAG_CALL | (call << 4) | (event << 8);
export const genericWord = (index: number): number => TAG_GENERIC | (index << 4);

/** A record as its GENERIC JSON: `serializeRecord` without `seq`. */
export function genericJson(r: LifecycleRecord): string {
  const json = serializeRecord(r) as { [k: string]: unknown };
  delete json.seq;
  return JSON.stringify(json);
}

/** The effects of one call: the words and the generic records' JSON they point at. */
export interface Effects {
  w: number[];
  g: string[];
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const mix = (h: number, v: number) => Math.imul(h ^ v, FNV_PRIME) >>> 0;
function stringHash(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}
const f64 = new Float64Array(1);
const f64Words = new Int32Array(f64.buffer);

/**
 * The digest `e` a version-2 entry shows (FNV-1a over the words, the generics' text and the resolved
 * step): derived from the stored effects, never stored, so two entries with equal effects show equal digests.
 * `base` is this function's value for the same effects without a step, when already known.
 */
export function effectsDigest(fx: Effects, step: number | undefined, base?: number): number {
  let h = FNV_OFFSET;
  if (base !== undefined) h = base;
  else {
    for (let i = 0; i < fx.w.length; i++) h = mix(h, fx.w[i]);
    for (let i = 0; i < fx.g.length; i++) h = mix(h, stringHash(fx.g[i]));
  }
  if (step !== undefined) {
    f64[0] = step;
    h = mix(mix(h, f64Words[0]), f64Words[1]);
  }
  return h;
}

/**
 * One effect for a person: "ConstantPruningModifier#2 onStart (batch_start)". `modifierType` names
 * the modifier at a position (the replay's recipe); `g` holds the generic records' JSON.
 */
export function describeEffect(word: number, g: readonly string[], modifierType: (position: number) => string | null): string {
  const tag = word & 15;
  const position = word >>> 13;
  const who = () => `${modifierType(position) ?? 'modifier'}#${position}`;
  switch (tag) {
    case TAG_HOOK: {
      const ev = EVENT_TYPES[(word >>> 8) & 31];
      return `${who()} ${HOOKS[(word >>> 4) & 15] ?? '?'}${ev ? ` (${ev})` : ''}`;
    }
    case TAG_TRANSITION:
      return `${who()} ${FLAGS[(word >>> 4) & 3]}: ${PHASES[(word >>> 6) & 7] ?? '?'} → ${PHASES[(word >>> 9) & 7] ?? '?'}`;
    case TAG_CALL: {
      const ev = EVENT_TYPES[(word >>> 8) & 31];
      return `call ${CALLS[(word >>> 4) & 15] ?? '?'}${ev ? ` ${ev}` : ''} accepted`;
    }
    default:
      return g[word >>> 4] ?? `generic record #${word >>> 4} (missing)`;
  }
}
