/**
 * The HTML report: one self-contained page (inline SVG, CSS, data and script; no network, works from
 * file://). The timeline SVG with a cursor, a step slider with each modifier's phase and what changed
 * it, the model's sparsity and quantization state at that step, hover details, the never-start flags
 * with their reasons, the machine diagrams and the quantization error table when given.
 */
import { renderSvg } from './svg.ts';
import { reportData } from './reportData.ts';
import { REPORT_SCRIPT } from './reportScript.ts';
import { describePosition, type Timeline } from './timeline.ts';
import { escapeXml } from './xml.ts';

export interface Diagram {
  title: string;
  /** An `<svg>` element (Graphviz output, its XML prolog removed). */
  svg: string;
}

export interface TableView {
  title: string;
  header: string[];
  rows: string[][];
}

export interface HtmlOptions {
  title?: string;
  diagrams?: Diagram[];
  errorTable?: TableView | null;
  /** The initial slider position; default the last step. */
  step?: number;
}

const STYLE = `
body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1100px}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
td.phase{font-weight:bold}td.phase[data-phase=started]{background:#2b8cbe;color:#fff}
td.phase[data-phase=initialized]{background:#d9d9d9}td.phase[data-phase=ended]{background:#a6bddb}
td.phase[data-phase=finalized]{background:#f0f0f0}
#hover{min-height:1.4em;font-size:.85em;color:#333;background:#ffffe0;padding:2px 6px;margin:4px 0}
.flags li{color:#a50f15}.legend span{display:inline-block;width:14px;height:10px;margin:0 4px 0 12px;border:1px solid #999}
input[type=range]{width:100%}#chart svg{max-width:100%;height:auto}.diagram{overflow-x:auto;border:1px solid #eee}
`;

/** `<svg …>` from a Graphviz document (its XML declaration and doctype dropped). */
export function inlineSvg(svgDocument: string): string {
  const at = svgDocument.indexOf('<svg');
  return at >= 0 ? svgDocument.slice(at) : svgDocument;
}

function tableHtml(t: TableView): string {
  const head = `<tr>${t.header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<h2>${escapeXml(t.title)}</h2>\n<table class="error-table">${head}\n${rows}</table>`;
}

/** JSON inside <script>: `<` escaped so no text in it can close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

export function renderHtml(t: Timeline, options: HtmlOptions = {}): string {
  const title = options.title ?? 'llmc-sim timeline';
  const step = Math.max(0, Math.min(t.steps, options.step ?? Math.max(0, t.steps - 1)));
  const flags = t.tracks
    .map((tr) => ({ tr, reason: tr.notStarted ?? tr.problem }))
    .filter((x) => x.reason)
    .map(({ tr, reason }) => `<li data-flag="${reason!.kind}"><b>${escapeXml(tr.schedule.label)}</b>: ${tr.notStarted ? 'never started — ' : ''}${escapeXml(reason!.text)}</li>`);
  const errors = t.errors.map((e) => `<li>error at ${escapeXml(describePosition(t, e.position))} (${escapeXml(e.call)}): ${escapeXml(e.message)}</li>`);
  const rows = t.tracks.map(
    (tr, i) =>
      `<tr data-track="${i}"><td title="${escapeXml(tr.schedule.modifierType)}">${escapeXml(tr.schedule.label)}</td><td>${escapeXml(`start ${tr.schedule.start ?? '–'} end ${tr.schedule.end ?? '–'} update ${tr.schedule.update ?? '–'}`)}</td><td class="phase"></td><td class="why"></td><td class="effect"></td></tr>`,
  );
  const S = t.schedule.stepsPerEpoch;
  const legend = (['initialized', 'started', 'ended', 'finalized'] as const)
    .map((p) => `<span style="background:${{ initialized: '#d9d9d9', started: '#2b8cbe', ended: '#a6bddb', finalized: '#f0f0f0' }[p]}"></span>${p}`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body>
<h1>${escapeXml(title)}</h1>
<p>${t.tracks.length} modifiers · ${t.steps} steps${S === null ? '' : ` (${t.schedule.epochs} epochs × ${S} steps)`} · ${t.schedule.batchesPerStep} micro-batch(es) per step · fidelity ${escapeXml(t.schedule.fidelity)}</p>
${flags.length || errors.length ? `<ul class="flags">${[...flags, ...errors].join('\n')}</ul>` : ''}
<div id="chart">${renderSvg(t, { cursor: true })}</div>
<div class="legend">${legend}<span style="border:1px dashed #555"></span>scheduled window <span style="background:#006d2c"></span>start <span style="background:#a50f15"></span>end <span style="background:#08306b;width:2px"></span>update · hover for details, click to move the slider</div>
<div id="hover"></div>
<h2>At <span id="step-label"></span></h2>
<input id="step" type="range" min="0" max="${t.steps}" value="${step}" aria-label="step">
<p>Sparsity: <span id="sparsity">${t.modelSparsity ? '' : 'not measured by this source'}</span><br>Quantization: <span id="quantization"></span></p>
<table class="phases"><tr><th>modifier</th><th>schedule</th><th>phase</th><th>changed by</th><th>latest effect</th></tr>
${rows.join('\n')}</table>
${options.errorTable ? tableHtml(options.errorTable) : ''}
${(options.diagrams ?? []).map((d) => `<h2>${escapeXml(d.title)}</h2>\n<div class="diagram">${inlineSvg(d.svg)}</div>`).join('\n')}
<script type="application/json" id="timeline-data">${scriptJson(reportData(t))}</script>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}
