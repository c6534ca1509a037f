/** Timelines (ASCII, SVG, HTML report) and machine diagrams; see docs/timeline.md. */
export { buildTimeline, phaseAt, describePosition, type Timeline, type ModifierTrack, type PhaseSegment, type NotStartedReason, type TimelineExtras } from './timeline.ts';
export { scheduleProblem, modifierLabels, type RunSchedule, type ModifierSchedule, type ScheduleProblem } from './schedule.ts';
export { scheduleFromRecords } from './scheduleFromRecords.ts';
export { recordRecipeRun, type RecipeRunOptions, type RecordedRun } from './fromRecipe.ts';
export { readRecordsFile, RecordsFileError } from './readRecords.ts';
export { recordJournalRun } from './fromJournal.ts';
export { renderAscii, type AsciiOptions } from './ascii.ts';
export { renderSvg, type SvgOptions } from './svg.ts';
export { renderHtml, type HtmlOptions, type Diagram, type TableView } from './html.ts';
export { renderDiagram, machineDiagrams, toMermaid, toDot, dotToSvg, MACHINES, type DiagramFormat, type MachineName } from './diagram.ts';
export { machineGraph, type MachineGraph } from './machineGraph.ts';
