/** `llmc-sim diagram [modifier|order]`: a machine as Mermaid, DOT or SVG, generated from its definition. */
import { MACHINES, renderDiagram, type DiagramFormat, type MachineName } from '../../../viz/diagram.ts';
import { emit } from '../timeline/output.ts';

export async function diagram(machine: MachineName, options: { format: DiagramFormat; output?: string }, out: (line: string) => void): Promise<void> {
  await emit(await renderDiagram(MACHINES[machine].machine, options.format), options.output, out);
}
