/**
 * Breadth-first search over every sequence of lifecycle calls (the model's alphabet) up to a depth,
 * states deduplicated by their vector. Checks the properties on every state and transition, keeps the
 * shortest witness of each violation, and measures states, transitions, depth and coverage.
 */
import type { LifecycleCall } from '../lifecycle/calls.ts';
import { LifecycleModel, type HookCallView, type LifecycleView, type StateVector, type TransitionView } from './model.ts';
import type { PatternProperty, Property } from './properties.ts';
import type { VerifyConfig } from './config.ts';
import { coverageOf, type Coverage } from './coverage.ts';
import { StateStore } from './stateStore.ts';
import { ORDERED } from '../../machines/lifecycle.machine.ts';

export interface ExploreOptions {
  /** Longest call sequence explored (default 12). */
  depth?: number;
  properties: readonly Property[];
  /** Called after each BFS layer (for a progress line). */
  onLayer?: (p: { depth: number; states: number; transitions: number }) => void;
  /** Clock for states/s (seconds); the caller's, so the library reads no time itself. */
  now?: () => number;
}

export interface Violation {
  property: string;
  /** The shortest call sequence (from a fresh lifecycle) that breaks it. */
  calls: LifecycleCall[];
}

export interface ExploreResult {
  states: number;
  transitions: number;
  /** Deepest layer that held a new state. */
  depthReached: number;
  /** True when no state was left unexpanded (the bound did not cut the search). */
  complete: boolean;
  /** Time spent filling the modifier tables before the search (apart, like SPIN's compile time). */
  prepareSeconds: number;
  /** Search time and rate, tables ready. */
  seconds: number;
  statesPerSecond: number;
  violations: Map<string, Violation>;
  coverage: Coverage;
  model: LifecycleModel;
  /** The BFS (shortest) call sequence that reaches explored state `id` (0 ≤ id < states). */
  pathTo: (id: number) => LifecycleCall[];
}


export function explore(config: VerifyConfig, options: ExploreOptions): ExploreResult {
  const model = new LifecycleModel(config);
  const maxDepth = options.depth ?? 12;
  const now = options.now ?? (() => 0);
  const p0 = now();
  model.prepare();
  const t0 = now();
  const prepareSeconds = t0 - p0;
  const calls = model.calls;
  const stateProps = options.properties.filter((p) => p.kind === 'state');
  const transProps = options.properties.filter((p) => p.kind === 'transition');
  const patterns = options.properties.filter((p): p is PatternProperty => p.kind === 'pattern');
  const needViews = stateProps.length + transProps.length + patterns.length > 0;
  /** The state and transition properties not yet violated (a violated one is checked no more). */
  const liveStateProps = stateProps.slice();
  const liveTransProps = transProps.slice();

  const store = new StateStore(model.initial().length);
  const views: LifecycleView[] = [];
  const parent: number[] = [];
  const parentCall: number[] = [];
  /** Successors as (call, target) pairs per state, kept for pattern properties. */
  const edges: Int32Array[] = [];
  const violations = new Map<string, Violation>();
  /** 1 where an event call `c` was made in order state `o` (at `c * ORDER_STATES + o`), for the order machine's coverage. */
  const orderSeen = new Uint8Array(calls.length * ORDER_STATES);

  const pathTo = (id: number): LifecycleCall[] => {
    const out: LifecycleCall[] = [];
    for (let s = id; parent[s] >= 0; s = parent[s]) out.push(calls[parentCall[s]]);
    return out.reverse();
  };
  const add = (v: StateVector, from: number, call: number): number => {
    const id = store.add(v);
    parent.push(from);
    parentCall.push(call);
    if (needViews) {
      const view = model.view(v);
      views.push(view);
      for (let i = 0; i < liveStateProps.length; i++) {
        const p = liveStateProps[i];
        if (p.holds(view)) continue;
        violations.set(p.name, { property: p.name, calls: pathTo(id) });
        liveStateProps.splice(i--, 1);
      }
    }
    return id;
  };

  add(model.initial(), -1, -1);
  /** The successor being looked at and its hook calls, overwritten by each `stepInto`. */
  const scratch = model.initial();
  const hooks: HookCallView[] = [];
  /** The transition shown to transition properties, rewritten for each call (valid while a predicate runs). */
  const tv: { -readonly [K in keyof TransitionView]: TransitionView[K] } = { before: views[0], call: calls[0], error: null, hooks, globalStepAfter: 0, after: views[0] };
  let frontier = [0];
  let transitions = 0;
  let depth = 0;
  let depthReached = 0;
  while (frontier.length && depth < maxDepth) {
    const next: number[] = [];
    for (const s of frontier) {
      const v = store.vector(s);
      const succ = patterns.length ? new Int32Array(calls.length) : null;
      for (let c = 0; c < calls.length; c++) {
        const call = calls[c];
        const error = model.stepInto(v, call, scratch, hooks);
        transitions++;
        if (v[0] === 1 && v[1] === 0 && call.call === 'event') orderSeen[c * ORDER_STATES + v[3]] = 1;
        let t = model.unchanged ? s : store.find(scratch);
        if (t < 0) {
          t = add(scratch, s, c);
          next.push(t);
        }
        if (succ) succ[c] = t;
        if (liveTransProps.length) {
          tv.before = views[s];
          tv.call = call;
          tv.error = error;
          tv.globalStepAfter = model.globalStepAfter;
          tv.after = views[t];
          for (let i = 0; i < liveTransProps.length; i++) {
            const p = liveTransProps[i];
            if (p.holds(tv)) continue;
            violations.set(p.name, { property: p.name, calls: [...pathTo(s), call] });
            liveTransProps.splice(i--, 1); // its shortest witness is found: checked no more
          }
        }
      }
      if (succ) edges[s] = succ;
    }
    depth++;
    if (next.length) depthReached = depth;
    frontier = next;
    options.onLayer?.({ depth, states: store.size, transitions });
  }
  const complete = frontier.length === 0;

  for (const p of patterns) {
    const w = checkPattern(p, model, store, views, edges, pathTo);
    if (w) violations.set(p.name, { property: p.name, calls: w });
  }

  const seconds = now() - t0;
  return {
    states: store.size,
    transitions,
    depthReached,
    complete,
    prepareSeconds,
    seconds,
    statesPerSecond: seconds > 0 ? store.size / seconds : 0,
    violations,
    coverage: coverageOf(model, orderPairsOf(calls, orderSeen)),
    model,
    pathTo,
  };
}

const ORDER_STATES = ORDERED.length;

/** The (order state, event type) pairs the search tried, as `coverageOf` takes them ("o>type"). */
function orderPairsOf(calls: readonly LifecycleCall[], seen: Uint8Array): Set<string> {
  const pairs = new Set<string>();
  seen.forEach((x, k) => {
    const call = calls[Math.floor(k / ORDER_STATES)];
    if (x && call.call === 'event') pairs.add(`${k % ORDER_STATES}>${call.type}`);
  });
  return pairs;
}

/** The shortest witness of a pattern over the explored graph, or null. States come in BFS order. */
function checkPattern(
  p: PatternProperty,
  model: LifecycleModel,
  store: StateStore,
  views: LifecycleView[],
  edges: Int32Array[],
  pathTo: (id: number) => LifecycleCall[],
): LifecycleCall[] | null {
  const calls = model.calls;
  const view = (s: number, c: number): TransitionView => {
    const r = model.step(store.vector(s), calls[c]);
    return { before: views[s], call: calls[c], error: r.error, hooks: r.hooks, globalStepAfter: r.globalStepAfter, after: views[edges[s][c]] };
  };
  for (let s = 0; s < store.size; s++) {
    if (!edges[s]) continue;
    for (let c = 0; c < calls.length; c++) {
      if (!p.trigger(view(s, c))) continue;
      // Breadth-first continuation from the trigger's target, at most `within` calls.
      let layer: Array<{ state: number; path: number[] }> = [{ state: edges[s][c], path: [] }];
      const seen = new Set<number>([edges[s][c]]);
      for (let k = 0; k < p.within && layer.length; k++) {
        const nextLayer: typeof layer = [];
        for (const { state, path } of layer) {
          if (!edges[state]) continue;
          for (let d = 0; d < calls.length; d++) {
            const tv = view(state, d);
            if (p.release(tv)) continue;
            if (p.bad(tv)) return [...pathTo(s), calls[c], ...path.map((i) => calls[i]), calls[d]];
            const to = edges[state][d];
            if (seen.has(to)) continue;
            seen.add(to);
            nextLayer.push({ state: to, path: [...path, d] });
          }
        }
        layer = nextLayer;
      }
    }
  }
  return null;
}
