/**
 * Any XState v5 machine as a plain graph, read from the machine's own definition (state nodes,
 * transitions with their event, guard and action names), so diagrams follow the machines as they
 * change. Transitions without a target change no state: they are listed on their state as
 * "decisions" instead of drawn as self-loops. Transitions declared on a compound state apply in any
 * of its children: they leave from a pseudo-node "in any <state> state". Transitions whose guard
 * rejects them on its parameters alone are left out (see `neverTaken`).
 */
import type { AnyStateMachine } from 'xstate';

export interface MachineNode {
  id: string;
  label: string;
  /** Eventless (`always`) transitions leave it at once. */
  transient: boolean;
  /** The pseudo-node for transitions declared on a compound state. */
  any: boolean;
  /** Targetless transitions, one line per (guard, actions) group: `initialize [isInitialized] / rejectAlreadyInitialized`. */
  decisions: string[];
  /** The compound state it sits in (null at the machine's top level). */
  parent: string | null;
}

/** A state with children: drawn as a box around them (a DOT cluster, a Mermaid composite state). */
export interface MachineCompound {
  id: string;
  label: string;
  parent: string | null;
}

export interface MachineEdge {
  from: string;
  to: string;
  /** One line per transition: `event [guard] / action, action`. */
  labels: string[];
}

export interface MachineGraph {
  id: string;
  nodes: MachineNode[];
  compounds: MachineCompound[];
  edges: MachineEdge[];
  /** (compound state or null for the machine, its initial child). */
  initials: Array<{ parent: string | null; target: string }>;
}

/** The structural slice of XState's StateNode / TransitionDefinition this walk reads. */
interface NodeLike {
  id: string;
  key: string;
  states: Record<string, NodeLike>;
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
  initial?: { target: ReadonlyArray<{ id: string }> };
}
interface TransitionLike {
  eventType: string;
  target?: ReadonlyArray<NodeLike>;
  guard?: unknown;
  actions: ReadonlyArray<unknown>;
}

/** A guard's name: `isFinalized`, `orderAllows`, `not(isInitialized)`. */
export function guardName(g: unknown): string | null {
  if (g === undefined || g === null) return null;
  if (typeof g === 'string') return g;
  if (typeof g === 'function') {
    const inner = (g as { guards?: unknown[] }).guards;
    if (Array.isArray(inner)) return `${g.name}(${inner.map(guardName).join(', ')})`;
    return g.name || 'inline';
  }
  if (typeof g === 'object' && typeof (g as { type?: unknown }).type === 'string') return (g as { type: string }).type;
  return 'inline';
}

function actionName(a: unknown): string {
  if (typeof a === 'string') return a;
  const type = (a as { type?: unknown })?.type;
  if (typeof type === 'string') return type.replace(/^xstate\./, '');
  return (a as { name?: string })?.name || 'inline';
}

function transitionLabel(event: string, t: TransitionLike): { head: string; tail: string } {
  const guard = guardName(t.guard);
  const actions = t.actions.map(actionName);
  return { head: event, tail: `${guard ? ` [${guard}]` : ''}${actions.length ? ` / ${actions.join(', ')}` : ''}` };
}

/**
 * A guard with parameters only (`{ type: 'orderAllows', params: { last, next } }`) may decide from its
 * parameters alone: ask it, and drop the edges it can never take. A guard that needs context or the
 * event throws or is not asked; its edge stays.
 */
function neverTaken(machine: AnyStateMachine, guard: unknown, event: string): boolean {
  if (!guard || typeof guard !== 'object' || !('params' in guard)) return false;
  const { type, params } = guard as { type: string; params: unknown };
  const impl = (machine.implementations.guards as Record<string, unknown>)[type];
  if (typeof impl !== 'function') return false;
  try {
    return impl({ context: undefined, event: { type: event } }, params) === false;
  } catch {
    return false;
  }
}

/** Walks the machine's state nodes depth-first. */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const nodes: MachineNode[] = [];
  const compounds: MachineCompound[] = [];
  const edges = new Map<string, MachineEdge>();
  const initials: MachineGraph['initials'] = [];
  const root = machine.root as unknown as NodeLike;
  const short = (id: string) => (id.startsWith(`${root.id}.`) ? id.slice(root.id.length + 1) : id);

  const addEdge = (from: string, to: string, label: string) => {
    const key = `${from}\u0000${to}`;
    const e = edges.get(key) ?? { from, to, labels: [] };
    if (!e.labels.includes(label)) e.labels.push(label);
    edges.set(key, e);
  };

  /** A transition into a compound state enters its initial child (and so on down). */
  const entered = (t: NodeLike): string => {
    let n = t;
    while (Object.keys(n.states ?? {}).length && n.initial?.target?.length) n = n.initial.target[0] as NodeLike;
    return short(n.id);
  };

  const visit = (n: NodeLike, parent: string | null) => {
    const children = Object.values(n.states ?? {});
    const id = n === root ? 'machine' : short(n.id);
    const compound = children.length > 0;
    // A compound state's own transitions leave from its "any" pseudo-node.
    const from = compound ? `${id}.any` : id;
    const decisions = new Map<string, string[]>();
    const outgoing: Array<[string, TransitionLike]> = [];
    for (const [event, list] of n.transitions) for (const t of list) outgoing.push([event, t]);
    for (const t of n.always ?? []) outgoing.push(['always', t]);
    for (const [event, t] of outgoing) {
      const { head, tail } = transitionLabel(event, t);
      if (neverTaken(machine, t.guard, event)) continue;
      if (t.target && t.target.length) for (const target of t.target) addEdge(from, entered(target), `${head}${tail}`);
      else decisions.set(tail, [...(decisions.get(tail) ?? []), head]);
    }
    const decisionLines = [...decisions].map(([tail, events]) => `${events.join(', ')}${tail}`);
    if (compound) {
      const inside = n === root ? null : id;
      if (inside !== null) compounds.push({ id, label: n.key, parent });
      if (outgoing.length) nodes.push({ id: from, label: n === root ? 'in any state' : `in any ${n.key} state`, transient: false, any: true, decisions: decisionLines, parent: inside });
      if (n.initial?.target?.length) initials.push({ parent: inside, target: entered(n.initial.target[0] as NodeLike) });
      for (const c of children) visit(c, inside);
    } else {
      nodes.push({ id, label: n.key, transient: (n.always?.length ?? 0) > 0, any: false, decisions: decisionLines, parent });
    }
  };
  visit(root, null);
  return { id: root.id, nodes, compounds, edges: [...edges.values()], initials };
}
