import { describe, expect, it } from 'vitest';
import { createMachine, not, setup } from 'xstate';
import { machineGraph } from '../../src/viz/machineGraph.ts';
import { renderDiagram, toDot, toMermaid } from '../../src/viz/diagram.ts';
import { modifierMachine } from '../../machines/modifier.machine.ts';
import { lifecycleOrderMachine, ORDERED, orderAllows } from '../../machines/lifecycle.machine.ts';

/** A machine the generator has never seen: nested states, named and negated guards, eventless and targetless transitions. */
const toy = setup({
  guards: { ready: () => true },
  actions: { log: () => {}, ping: () => {} },
}).createMachine({
  id: 'toy',
  initial: 'idle',
  states: {
    idle: { on: { GO: { target: 'busy', guard: 'ready', actions: 'log' }, POKE: { actions: 'ping' } } },
    busy: {
      initial: 'a',
      on: { STOP: 'idle' },
      states: { a: { on: { NEXT: { target: 'b', guard: not('ready') } } }, b: { always: '#toy.idle' } },
    },
  },
});

describe('machineGraph (any XState v5 machine)', () => {
  it('walks states, transitions with event, guard and action names, and initial states', () => {
    const g = machineGraph(toy);
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['busy.a', 'busy.any', 'busy.b', 'idle']);
    expect(g.edges).toEqual(
      expect.arrayContaining([
        // Entering a compound state enters its initial child.
        { from: 'idle', to: 'busy.a', labels: ['GO [ready] / log'] },
        { from: 'busy.any', to: 'idle', labels: ['STOP'] },
        { from: 'busy.a', to: 'busy.b', labels: ['NEXT [not(ready)]'] },
        { from: 'busy.b', to: 'idle', labels: ['always'] },
      ]),
    );
    expect(g.nodes.find((n) => n.id === 'idle')!.decisions).toEqual(['POKE / ping']);
    expect(g.nodes.find((n) => n.id === 'busy.b')!).toMatchObject({ transient: true, parent: 'busy' });
    expect(g.compounds).toEqual([{ id: 'busy', label: 'busy', parent: null }]);
    expect(g.initials).toEqual([{ parent: null, target: 'idle' }, { parent: 'busy', target: 'busy.a' }]);
  });

  it('a plain createMachine (no setup) works too', () => {
    const m = createMachine({ id: 'p', initial: 'on', states: { on: { on: { flip: 'off' } }, off: { on: { flip: 'on' } } } });
    expect(toMermaid(machineGraph(m))).toContain('on --> off : flip');
  });

  it('the modifier machine: every state is drawn (compound phases as boxes) and every event it handles appears', () => {
    const g = machineGraph(modifierMachine);
    const mermaid = toMermaid(g);
    const walk = (states: Record<string, { states: Record<string, unknown> }>, prefix: string): string[] =>
      Object.entries(states).flatMap(([k, v]) => (Object.keys(v.states).length ? [`state ${prefix}${k} {`, ...walk(v.states as never, `${prefix}${k}_`)] : [`as ${prefix}${k}`]));
    for (const expected of walk(modifierMachine.root.states as never, '')) expect(mermaid).toContain(expected);
    for (const e of modifierMachine.events) expect(mermaid).toContain(e);
  });

  it('the order machine: an edge exactly where the order rule allows the next event', () => {
    const g = machineGraph(lifecycleOrderMachine);
    for (const last of ORDERED) {
      for (const next of ORDERED) {
        const has = g.edges.some((e) => e.from === last && e.to === next);
        expect(has, `${last} -> ${next}`).toBe(orderAllows(last, next));
      }
    }
  });

  it('DOT is valid for Graphviz, which lays it out as SVG (WebAssembly)', async () => {
    const dot = toDot(machineGraph(toy));
    expect(dot).toMatch(/^digraph "toy" \{/);
    const svg = await renderDiagram(toy, 'svg');
    expect(svg).toContain('<svg');
    expect(svg).toContain('GO [ready] / log');
    const modifierSvg = await renderDiagram(modifierMachine, 'svg');
    for (const phase of ['uninitialized', 'initialized', 'started', 'ended', 'finalized']) expect(modifierSvg).toContain(`>${phase}</text>`);
  });
});
