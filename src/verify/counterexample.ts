/**
 * A counterexample: the probes' recipe text, the fidelity and the shortest call sequence. It replays
 * from that alone on a real `CompressionLifecycle`, and `reproduce` judges the real run with the same
 * property the explorer found broken.
 */
import type { Fidelity } from '../core/fidelity.ts';
import { EventType } from '../core/events.ts';
import type { LifecycleCall } from '../lifecycle/calls.ts';
import { ObservedRun } from './observe.ts';
import type { Property } from './properties.ts';
import type { TransitionView } from './model.ts';

export interface Counterexample {
  /** The property it breaks. */
  property: string;
  recipeText: string;
  fidelity: Fidelity;
  /** The explorer is exhaustive and draws nothing at random; kept for the journal header (always 0). */
  seed: number;
  calls: LifecycleCall[];
}

const MEMBER = new Map(Object.entries(EventType).map(([k, v]) => [v as string, k]));

/** One call as a reader writes it: `event(BATCH_END, globalStep 2)`. */
export function formatCall(c: LifecycleCall): string {
  switch (c.call) {
    case 'initialize':
      return 'initialize(recipe)';
    case 'finalize':
    case 'reset':
      return `${c.call}()`;
    case 'event': {
      const opts = Object.entries(c.options).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
      return `event(${[MEMBER.get(c.type) ?? c.type, ...opts].join(', ')})`;
    }
  }
}

export function formatCounterexample(cx: Counterexample): string {
  const lines = [`counterexample for '${cx.property}' (fidelity '${cx.fidelity}', ${cx.calls.length} calls):`];
  cx.calls.forEach((c, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${formatCall(c)}`));
  lines.push('recipe:', ...cx.recipeText.trimEnd().split('\n').map((l) => `  ${l}`));
  return lines.join('\n');
}

export interface Reproduction {
  /** Whether the real lifecycle breaks the property on this run. */
  reproduced: boolean;
  /** 1-based index of the call at which it broke (the state after it, or the call itself). */
  atCall: number | null;
  transitions: TransitionView[];
}

/**
 * Re-runs the calls on a real lifecycle (each call's own error is part of the run, not a failure)
 * and checks the property on every state and call; pattern properties are checked over the run.
 */
export function reproduce(cx: Counterexample, property: Property): Reproduction {
  const run = new ObservedRun(cx.fidelity);
  const transitions: TransitionView[] = [];
  const calls = cx.calls.map((c) => (c.call === 'initialize' ? { ...c, options: { ...c.options, recipe: cx.recipeText } } : c));
  let atCall: number | null = property.kind === 'state' && !property.holds(run.view) ? 0 : null;
  calls.forEach((c, i) => {
    const t = run.apply(c);
    transitions.push(t);
    if (atCall !== null) return;
    if (property.kind === 'state' && !property.holds(t.after)) atCall = i + 1;
    if (property.kind === 'transition' && !property.holds(t)) atCall = i + 1;
  });
  if (property.kind === 'pattern' && atCall === null) {
    transitions.forEach((t, i) => {
      if (atCall !== null || !property.trigger(t)) return;
      for (let k = i + 1; k < transitions.length && k <= i + property.within; k++) {
        if (property.release(transitions[k])) break;
        if (property.bad(transitions[k])) {
          atCall = k + 1;
          break;
        }
      }
    });
  }
  return { reproduced: atCall !== null, atCall, transitions };
}
