/**
 * Machine diagrams: Mermaid `stateDiagram-v2` and Graphviz DOT text from a {@link MachineGraph}, and
 * SVG laid out by Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz) from that DOT.
 */
import type { AnyStateMachine } from 'xstate';
import { machineGraph, type MachineGraph } from './machineGraph.ts';
import { modifierMachine } from '../../machines/modifier.machine.ts';
import { lifecycleOrderMachine } from '../../machines/lifecycle.machine.ts';

export type DiagramFormat = 'mermaid' | 'dot' | 'svg';

const mermaidId = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');
/** Mermaid reads `:` and `;` as syntax inside labels; `#59;`-style entities keep them as text. */
const mermaidText = (s: string) => s.replace(/;/g, '#59;').replace(/:/g, '#58;');

export function toMermaid(g: MachineGraph): string {
  const lines = ['stateDiagram-v2', '  direction LR'];
  // States and initial arrows, nested in their compound states (Mermaid composite states).
  const inside = (parent: string | null, pad: string) => {
    g.initials.filter((i) => i.parent === parent).forEach((i) => lines.push(`${pad}[*] --> ${mermaidId(i.target)}`));
    for (const n of g.nodes.filter((x) => x.parent === parent)) {
      const label = n.transient ? `${n.label} (transient)` : n.label;
      lines.push(`${pad}state "${mermaidText(label)}" as ${mermaidId(n.id)}`);
    }
    for (const c of g.compounds.filter((x) => x.parent === parent)) {
      lines.push(`${pad}state ${mermaidId(c.id)} {`);
      inside(c.id, `${pad}  `);
      lines.push(`${pad}}`);
    }
  };
  inside(null, '  ');
  for (const e of g.edges) for (const l of e.labels) lines.push(`  ${mermaidId(e.from)} --> ${mermaidId(e.to)} : ${mermaidText(l)}`);
  for (const n of g.nodes) {
    if (!n.decisions.length) continue;
    lines.push(`  note right of ${mermaidId(n.id)}`, '    decisions (state unchanged):', ...n.decisions.map((d) => `    ${mermaidText(d)}`), '  end note');
  }
  return `${lines.join('\n')}\n`;
}

const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** Lines past this width wrap after a comma, so long event lists stay narrow. */
const WRAP = 44;

function wrap(line: string): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > WRAP) {
    const cut = rest.lastIndexOf(', ', WRAP);
    if (cut <= 0) break;
    out.push(rest.slice(0, cut + 1));
    rest = `    ${rest.slice(cut + 2)}`;
  }
  return [...out, rest];
}

/** A DOT label whose lines are left-justified (`\l`). */
const dotLines = (lines: string[]) => `"${lines.flatMap(wrap).map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\l')}\\l"`;

export function toDot(g: MachineGraph): string {
  const lines = [
    `digraph ${dotString(g.id)} {`,
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fillcolor="#f7fbff", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const nodeLine = (n: MachineGraph['nodes'][number], pad: string) => {
    if (n.any) {
      return `${pad}${dotString(n.id)} [shape=note, fillcolor="#fffbe6", label=${dotLines([n.label, ...(n.decisions.length ? ['', 'decisions (state unchanged):', ...n.decisions] : [])])}];`;
    }
    const head = n.transient ? `${n.label} (transient)` : n.label;
    const attrs = n.transient ? ', shape=diamond, fillcolor="#eeeeee"' : '';
    const label = n.decisions.length ? dotLines([head, '', ...n.decisions]) : dotString(head);
    return `${pad}${dotString(n.id)} [label=${label}${attrs}];`;
  };
  let k = 0;
  // Nodes nested in clusters, one per compound state, each with its initial arrow.
  const inside = (parent: string | null, pad: string) => {
    for (const i of g.initials.filter((x) => x.parent === parent)) {
      const point = `__initial${k++}`;
      lines.push(`${pad}"${point}" [shape=point, width=0.12, label=""];`, `${pad}"${point}" -> ${dotString(i.target)};`);
    }
    for (const n of g.nodes.filter((x) => x.parent === parent)) lines.push(nodeLine(n, pad));
    for (const c of g.compounds.filter((x) => x.parent === parent)) {
      lines.push(`${pad}subgraph ${dotString(`cluster_${c.id}`)} {`, `${pad}  label=${dotString(c.label)}; style="rounded"; color="#6baed6"; fontname="Helvetica";`);
      inside(c.id, `${pad}  `);
      lines.push(`${pad}}`);
    }
  };
  inside(null, '  ');
  for (const e of g.edges) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotLines(e.labels)}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

let graphviz: Promise<{ layout(dot: string, format: 'svg', engine: 'dot'): string }> | null = null;

/** Lays DOT out as SVG with Graphviz (WebAssembly, loaded once). */
export async function dotToSvg(dot: string): Promise<string> {
  graphviz ??= import('@hpcc-js/wasm-graphviz').then((m) => m.Graphviz.load());
  return (await graphviz).layout(dot, 'svg', 'dot');
}

export async function renderDiagram(machine: AnyStateMachine, format: DiagramFormat): Promise<string> {
  const g = machineGraph(machine);
  if (format === 'mermaid') return toMermaid(g);
  const dot = toDot(g);
  return format === 'dot' ? dot : dotToSvg(dot);
}

/** The machines `llmc-sim diagram` knows, by name. */
export const MACHINES = {
  modifier: { machine: modifierMachine, title: 'Modifier lifecycle (machines/modifier.machine.ts)' },
  order: { machine: lifecycleOrderMachine, title: 'Event order rule (machines/lifecycle.machine.ts)' },
} as const;
export type MachineName = keyof typeof MACHINES;

/** Every known machine laid out as SVG, for the HTML report. */
export async function machineDiagrams(): Promise<Array<{ title: string; svg: string }>> {
  const out: Array<{ title: string; svg: string }> = [];
  for (const { machine, title } of Object.values(MACHINES)) out.push({ title, svg: await renderDiagram(machine, 'svg') });
  return out;
}
