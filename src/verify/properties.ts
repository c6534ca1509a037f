/**
 * Properties `verify` checks, as a small library users extend. A property is one of:
 * - a **state** predicate (must hold in every reachable state),
 * - a **transition** predicate (must hold for every call from every reachable state),
 * - a bounded **pattern**: after a `trigger` transition, no `bad` transition within `within` calls,
 *   unless a `release` transition comes first.
 * Each says, per fidelity, whether it is expected to hold or is a known quirk of LLM Compressor
 * (lifecycle.md §11); `verify` then reports "holds", "violated (known quirk Qn)" or "VIOLATED".
 */
import type { Fidelity } from '../core/fidelity.ts';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValueError } from '../core/errors.ts';
import { EventType } from '../core/events.ts';
import type { LifecycleView, ModifierView, TransitionView } from './model.ts';

/** `'holds'`, or the quirk (e.g. `'Q8'`) that is expected to break it. */
export type Expectation = 'holds' | `Q${number}`;

interface Common {
  name: string;
  description: string;
  expect: Record<Fidelity, Expectation>;
}
export interface StateProperty extends Common {
  kind: 'state';
  holds: (s: LifecycleView) => boolean;
}
export interface TransitionProperty extends Common {
  kind: 'transition';
  holds: (t: TransitionView) => boolean;
}
export interface PatternProperty extends Common {
  kind: 'pattern';
  trigger: (t: TransitionView) => boolean;
  bad: (t: TransitionView) => boolean;
  release: (t: TransitionView) => boolean;
  within: number;
}
export type Property = StateProperty | TransitionProperty | PatternProperty;

const always: Record<Fidelity, Expectation> = { default: 'holds', reference: 'holds' };
const every = (s: LifecycleView, p: (m: ModifierView) => boolean) => s.modifiers.every(p);

/** §3.1: the phase a set of flags implies, most advanced first (restated here, not imported). */
export function specPhase(m: Pick<ModifierView, 'initialized' | 'started' | 'ended' | 'finalized'>): string {
  return m.finalized ? 'finalized' : m.ended ? 'ended' : m.started ? 'started' : m.initialized ? 'initialized' : 'uninitialized';
}

/** §6.4's table, restated from the spec so the property checks the machine rather than itself. */
const ORDER_POSITION: Partial<Record<EventType, number>> = {
  [EventType.BATCH_START]: 0,
  [EventType.LOSS_CALCULATED]: 1,
  [EventType.OPTIM_PRE_STEP]: 2,
  [EventType.OPTIM_POST_STEP]: 3,
  [EventType.BATCH_END]: 4,
};
export function specOrderAllows(last: EventType, next: EventType): boolean {
  const n = ORDER_POSITION[next];
  if (n === undefined) return true;
  if (next === EventType.BATCH_START) return last !== EventType.BATCH_START;
  return (ORDER_POSITION[last] ?? 4) <= n;
}

/** The call reached the order check (§6.3 steps 1–3 passed). */
const reachedOrderCheck = (t: TransitionView) =>
  t.call.call === 'event' && t.before.initialized && !t.before.finalized && t.call.type !== EventType.INITIALIZE && t.call.type !== EventType.FINALIZE;

export const BUILTIN_PROPERTIES: readonly Property[] = [
  {
    kind: 'state',
    name: 'finalized-was-initialized',
    description: 'a finalized modifier was initialized',
    expect: always,
    holds: (s) => every(s, (m) => !m.finalized || m.initialized),
  },
  {
    kind: 'state',
    name: 'start-at-most-once',
    description: 'onStart runs (completes) at most once per modifier',
    expect: always,
    holds: (s) => every(s, (m) => m.starts <= 1),
  },
  {
    kind: 'state',
    name: 'end-at-most-once',
    description: 'onEnd runs (completes) at most once per modifier',
    expect: always,
    holds: (s) => every(s, (m) => m.ends <= 1),
  },
  {
    kind: 'state',
    name: 'phase-matches-flags',
    description: "each modifier's phase is the one its flags imply (§3.1)",
    expect: always,
    holds: (s) => every(s, (m) => m.phase === specPhase(m)),
  },
  {
    kind: 'transition',
    name: 'no-hook-after-finalize',
    description: 'no hook of a finalized modifier is called',
    expect: always,
    holds: (t) => {
      if (t.call.call === 'initialize') return true;
      const { hooks, before } = t;
      for (let i = 0; i < hooks.length; i++) if (before.modifiers[hooks[i].modifier]?.finalized) return false;
      return true;
    },
  },
  {
    kind: 'pattern',
    name: 'finalize-is-final',
    description: 'after an accepted finalize, no hook runs until a reset',
    expect: always,
    trigger: (t) => t.call.call === 'finalize' && t.error === null,
    bad: (t) => t.hooks.length > 0,
    release: (t) => t.call.call === 'reset',
    within: 4,
  },
  {
    kind: 'transition',
    name: 'order-rule',
    description: 'an event is refused for its order exactly when §6.4 forbids it; a refused call does not move the order state',
    expect: always,
    holds: (t) => {
      if (t.call.call !== 'event') return true;
      if (!reachedOrderCheck(t)) return t.after.last === t.before.last;
      const type = t.call.type;
      const allowed = specOrderAllows(t.before.last, type);
      if ((t.error === 'E45') !== !allowed) return false;
      if (!allowed) return t.after.last === t.before.last;
      if (t.error === 'E46') return true; // Q3's own property
      return t.after.last === (ORDER_POSITION[type] === undefined ? t.before.last : type);
    },
  },
  {
    kind: 'state',
    name: 'ended-had-started',
    description: 'a modifier that ended had started (Q8: BATCH_END ends a never-started modifier)',
    expect: { default: 'Q8', reference: 'Q8' },
    holds: (s) => every(s, (m) => !m.ended || m.started),
  },
  {
    kind: 'transition',
    name: 'starts-on-schedule',
    description: 'an accepted BATCH_START at a step within [start, end) starts every active modifier (Q1: in reference events carry no step)',
    expect: { default: 'holds', reference: 'Q1' },
    holds: (t) => {
      if (t.call.call !== 'event' || t.call.type !== EventType.BATCH_START || t.error !== null) return true;
      const g = t.globalStepAfter;
      return t.after.modifiers.every((m) => {
        const due = m.initialized && !m.finalized && !m.ended && m.start !== null && m.start <= g && (m.end === null || g < m.end);
        return !due || m.started;
      });
    },
  },
  {
    kind: 'transition',
    name: 'refused-loss-keeps-order',
    description: 'a LOSS_CALCULATED refused for its missing loss leaves the order state unchanged (Q3)',
    expect: { default: 'holds', reference: 'Q3' },
    holds: (t) => t.error !== 'E46' || t.after.last === t.before.last,
  },
];

export function findProperties(names: readonly string[], library: readonly Property[] = BUILTIN_PROPERTIES): Property[] {
  return names.map((n) => {
    const p = library.find((q) => q.name === n);
    if (!p) throw new UnknownPropertyError(n, library);
    return p;
  });
}

export class UnknownPropertyError extends ValueError {
  constructor(name: string, library: readonly Property[]) {
    super(`unknown property '${name}'; known: ${library.map((p) => p.name).join(', ')}`);
  }
}

/** A `--properties` module cannot be imported or does not export a valid `properties` array. */
export class PropertyModuleError extends ValueError {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

const KINDS = new Set(['state', 'transition', 'pattern']);

/** Imports a module exporting `properties: Property[]` (user-written properties). */
export async function loadProperties(path: string): Promise<Property[]> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new PropertyModuleError(path, `cannot import: ${(e as Error).message}`);
  }
  const list = mod.properties;
  if (!Array.isArray(list)) throw new PropertyModuleError(path, "expected an exported array 'properties'");
  list.forEach((p, i) => {
    const o = p as Partial<Property> | null;
    if (!o || typeof o.name !== 'string' || !KINDS.has(String(o.kind)) || !o.expect || typeof o.expect !== 'object') {
      throw new PropertyModuleError(path, `properties[${i}] needs a name, a kind ('state', 'transition' or 'pattern') and expect {default, reference}`);
    }
  });
  return list as Property[];
}
