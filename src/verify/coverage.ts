/**
 * Which transitions of each machine an exploration exercised. The order machine's transitions are
 * enumerated from `lifecycleOrderMachine` itself (XState's pure `transition()` over its states and
 * ordered events); a modifier's are the (phase, operation) → phase edges its table recorded, and the
 * modifier machine's declared state-to-state edges count as covered when some recorded edge moves
 * between the same two phases.
 */
import { transition } from 'xstate';
import { lifecycleOrderMachine, ORDERED } from '../../machines/lifecycle.machine.ts';
import { modifierMachine } from '../../machines/modifier.machine.ts';
import type { LifecycleModel } from './model.ts';
import type { ModifierOp } from './modifierTable.ts';

export interface MachineCoverage {
  machine: string;
  covered: number;
  total: number;
  /** The transitions never taken, readable. */
  missed: string[];
}

export interface Coverage {
  order: MachineCoverage;
  /** One per modifier: its (phase, op kind) → phase edges. */
  modifiers: Array<{ index: number; edges: string[] }>;
  /** The modifier machine's declared phase-to-phase transitions. */
  modifierMachine: MachineCoverage;
}

/** Every (last, next) pair of the order machine with its verdict. */
function orderTransitions(): Array<{ last: string; next: string; accepted: boolean }> {
  const out: Array<{ last: string; next: string; accepted: boolean }> = [];
  for (const last of ORDERED) {
    const snap = lifecycleOrderMachine.resolveState({ value: last, context: undefined as never });
    for (const next of ORDERED) {
      const [, actions] = transition(lifecycleOrderMachine, snap, { type: next });
      out.push({ last, next, accepted: actions.some((a) => a.type === 'accept') });
    }
  }
  return out;
}

interface NodeLike {
  key: string;
  states: Record<string, NodeLike>;
  transitions: Map<string, Array<{ target?: ReadonlyArray<{ key: string }> }>>;
}

/** The modifier machine's declared transitions between two of its named states (source → target). */
function modifierMachineEdges(): Array<{ source: string; event: string; target: string }> {
  const out: Array<{ source: string; event: string; target: string }> = [];
  const walk = (node: NodeLike) => {
    for (const [event, defs] of node.transitions) {
      for (const d of defs) for (const t of d.target ?? []) out.push({ source: node.key, event, target: t.key });
    }
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(modifierMachine.root as unknown as NodeLike);
  return out;
}

const opKind = (o: ModifierOp) => (o.op === 'event' ? `event(${o.type})` : o.op);

export function coverageOf(model: LifecycleModel, orderPairs: ReadonlySet<string>): Coverage {
  const order = orderTransitions();
  const missedOrder = order.filter((t) => !orderPairs.has(`${ORDERED.indexOf(t.last as never)}>${t.next}`));
  const phaseMoves = new Set<string>();
  const modifiers = model.tables.map((table, index) => {
    const edges = new Set<string>();
    for (const e of model.usedEntries(index)) {
      const from = table.states[e.from].phase;
      const to = table.states[e.result.next].phase;
      phaseMoves.add(`${from}>${to}`);
      edges.add(`${from} --${opKind(e.op)}${e.result.error ? ` !${e.result.error}` : ''}--> ${to}`);
    }
    return { index, edges: [...edges].sort() };
  });
  const declared = modifierMachineEdges();
  const missedMachine = declared.filter((d) => !phaseMoves.has(`${d.source}>${d.target}`));
  return {
    order: {
      machine: 'lifecycleOrder',
      covered: order.length - missedOrder.length,
      total: order.length,
      missed: missedOrder.map((t) => `${t.last} -> ${t.next} (${t.accepted ? 'accept' : 'reject'})`),
    },
    modifiers,
    modifierMachine: {
      machine: 'modifier',
      covered: declared.length - missedMachine.length,
      total: declared.length,
      missed: missedMachine.map((d) => `${d.source} --${d.event}--> ${d.target}`),
    },
  };
}
