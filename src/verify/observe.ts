/**
 * The same views the model gives, read off a real `CompressionLifecycle` running ProbeModifiers:
 * replays (counterexamples, the model cross-check) judge the real run with the same properties.
 */
import { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import { applyCall, type LifecycleCall } from '../lifecycle/calls.ts';
import type { Fidelity } from '../core/fidelity.ts';
import { ProbeModifier } from '../modifiers/probe.ts';
import { errorCode } from './modifierTable.ts';
import type { HookCallView, LifecycleView, ModifierView, TransitionView } from './model.ts';

const sat = (n: number) => (n > 2 ? 2 : n);
const completed = (m: ProbeModifier, hook: 'onStart' | 'onEnd') => sat(m.hookLog.filter((h) => h.hook === hook && !h.raised).length);

function modifierView(m: unknown): ModifierView {
  if (!(m instanceof ProbeModifier)) throw new TypeError(`verify observes ProbeModifiers only, found ${(m as object)?.constructor?.name}`);
  return {
    initialized: m.initialized,
    started: m.started,
    ended: m.ended,
    finalized: m.finalized,
    phase: m.phase,
    starts: completed(m, 'onStart'),
    ends: completed(m, 'onEnd'),
    start: m.start,
    end: m.end,
  };
}

export function observe(lc: CompressionLifecycle): LifecycleView {
  return {
    initialized: lc.initialized,
    finalized: lc.finalized,
    last: lc.lastEventType,
    globalStep: lc.fidelity === 'reference' ? 0 : lc.globalStep,
    modifiers: lc.recipe.modifiers.map(modifierView),
  };
}

/** A real lifecycle stepped call by call, each call observed as a `TransitionView`. */
export class ObservedRun {
  readonly lifecycle: CompressionLifecycle;
  #view: LifecycleView;

  constructor(readonly fidelity: Fidelity) {
    this.lifecycle = new CompressionLifecycle({ fidelity });
    this.#view = observe(this.lifecycle);
  }

  get view(): LifecycleView {
    return this.#view;
  }

  apply(call: LifecycleCall): TransitionView {
    const lc = this.lifecycle;
    const beforeMods = lc.recipe.modifiers.filter((m): m is ProbeModifier => m instanceof ProbeModifier);
    const logLengths = beforeMods.map((m) => m.hookLog.length);
    let error: string | null = null;
    try {
      applyCall(lc, call);
    } catch (e) {
      error = errorCode(e);
    }
    const hooks: HookCallView[] = [];
    beforeMods.forEach((m, i) => m.hookLog.slice(logLengths[i]).forEach((h) => hooks.push({ modifier: i, ...h })));
    const afterMods = lc.recipe.modifiers;
    afterMods.forEach((m, i) => {
      if (m instanceof ProbeModifier && !beforeMods.includes(m)) m.hookLog.forEach((h) => hooks.push({ modifier: i, ...h }));
    });
    const before = this.#view;
    this.#view = observe(lc);
    return { before, call, error, hooks, globalStepAfter: lc.globalStep, after: this.#view };
  }
}
