/**
 * `verify` as a library call: explore a configuration, judge each property against its expectation
 * for the fidelity, and keep the shortest counterexample of each broken one.
 */
import type { VerifyConfig } from './config.ts';
import { explore, type ExploreOptions, type ExploreResult } from './explore.ts';
import type { Counterexample } from './counterexample.ts';
import { BUILTIN_PROPERTIES, type Expectation, type Property } from './properties.ts';

export type Verdict = 'holds' | 'violated (known quirk)' | 'VIOLATED';

export interface PropertyReport {
  name: string;
  description: string;
  kind: Property['kind'];
  expected: Expectation;
  verdict: Verdict;
  /** "holds", "violated (known quirk Q8)" or "VIOLATED". */
  text: string;
  counterexample: Counterexample | null;
}

export interface VerifyReport {
  fidelity: VerifyConfig['fidelity'];
  states: number;
  transitions: number;
  depthReached: number;
  depthBound: number;
  complete: boolean;
  seconds: number;
  statesPerSecond: number;
  properties: PropertyReport[];
  /** True when every property holds or is broken only as a known quirk. */
  ok: boolean;
  exploration: ExploreResult;
}

export interface VerifyOptions extends Omit<ExploreOptions, 'properties'> {
  properties?: readonly Property[];
}

export function verify(config: VerifyConfig, options: VerifyOptions = {}): VerifyReport {
  const properties = options.properties ?? BUILTIN_PROPERTIES;
  const depth = options.depth ?? 12;
  const r = explore(config, { ...options, depth, properties });
  const reports = properties.map((p): PropertyReport => {
    const v = r.violations.get(p.name);
    const expected = p.expect[config.fidelity];
    const verdict: Verdict = !v ? 'holds' : expected === 'holds' ? 'VIOLATED' : 'violated (known quirk)';
    const text = verdict === 'violated (known quirk)' ? `violated (known quirk ${expected})` : verdict;
    const counterexample = v ? { property: p.name, recipeText: r.model.recipe, fidelity: config.fidelity, seed: 0, calls: v.calls } : null;
    return { name: p.name, description: p.description, kind: p.kind, expected, verdict, text, counterexample };
  });
  return {
    fidelity: config.fidelity,
    states: r.states,
    transitions: r.transitions,
    depthReached: r.depthReached,
    depthBound: depth,
    complete: r.complete,
    seconds: r.seconds,
    statesPerSecond: r.statesPerSecond,
    properties: reports,
    ok: reports.every((p) => p.verdict !== 'VIOLATED'),
    exploration: r,
  };
}
