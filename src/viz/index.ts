/** Timelines (ASCII, SVG, HTML report) and machine diagrams; see docs/timeline.md. */
export { buildTimeline } from './timeline.ts';
export { scheduleFromRecords } from './scheduleFromRecords.ts';
export { renderAscii } from './ascii.ts';
export { renderHtml } from './html.ts';
export { machineDiagrams } from './diagram.ts';
