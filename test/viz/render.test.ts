import { describe, expect, it } from 'vitest';
import { recordRecipeRun } from '../../src/viz/fromRecipe.ts';
import { buildTimeline, type Timeline } from '../../src/viz/timeline.ts';
import { renderAscii } from '../../src/viz/ascii.ts';
import { renderSvg } from '../../src/viz/svg.ts';
import { renderHtml } from '../../src/viz/html.ts';
import { reportData } from '../../src/viz/reportData.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import { TestModifier } from '../helpers/testModifier.ts';

function training(stepsPerEpoch: number): Timeline {
  const run = recordRecipeRun({ recipe: 'examples/training.yaml', epochs: 3, stepsPerEpoch, model: createSyntheticModel({ seed: 0 }) });
  return buildTimeline(run.records, run.schedule, { modelSparsity: run.modelSparsity });
}

describe('renderAscii', () => {
  const small = training(4);

  it('draws one column per step when it fits: starts, ends, update ticks, epoch gridlines', () => {
    const rows = renderAscii(small, { columns: 100 }).split('\n');
    expect(rows[0]).toBe('3 modifiers · 12 steps (3 epochs × 4) · one column per step · fidelity default');
    expect(rows[1]).toBe('epoch                      |0   1   2   |');
    expect(rows[2]).toBe('  pruning/MagnitudePruning |:.[=|=|=]---|');
    expect(rows[3]).toBe('  ConstantPruning          |:...:...[===|');
    expect(rows[4]).toBe('  mlp/MagnitudePruning     |:...[===]---|');
    expect(rows.some((r) => r.startsWith('legend:'))).toBe(true);
  });

  it('fits the terminal: each chart row stays within the width, steps bucketed and ticks counted', () => {
    const run = recordRecipeRun({ recipe: [new TestModifier({ start: 0.5, end: 2, update: 0.25 }), new TestModifier({ start: 1 })], epochs: 3, stepsPerEpoch: 400, model: null });
    const t = buildTimeline(run.records, run.schedule);
    for (const columns of [40, 60, 100, 200]) {
      const text = renderAscii(t, { columns });
      const chart = text.split('\n').filter((l) => !l.startsWith('  ! ') && !l.startsWith('    '));
      for (const line of chart) expect(line.length).toBeLessThanOrEqual(columns);
    }
    const narrow = renderAscii(t, { columns: 60 });
    expect(narrow).toMatch(/one column per \d+ steps/);
  });

  it('aggregates update ticks that would overlap into a count', () => {
    // An update every 2 steps over 120 steps in 29 columns (5 steps each): 2 or 3 ticks per column.
    const run = recordRecipeRun({ recipe: [new TestModifier({ start: 0, end: 3, update: 0.05 })], epochs: 3, stepsPerEpoch: 40, model: null });
    const row = renderAscii(buildTimeline(run.records, run.schedule), { columns: 40 }).split('\n').find((l) => l.startsWith('  Test'));
    expect(row).toBe('  Test   |[23232323232323232323232|');
  });

  it('flags a modifier that never starts, with the reason in the notes', () => {
    const run = recordRecipeRun({ recipe: [new TestModifier({ start: 2, end: 1 })], epochs: 3, stepsPerEpoch: 4, model: null });
    const text = renderAscii(buildTimeline(run.records, run.schedule), { columns: 80 });
    expect(text).toMatch(/^! Test/m);
    expect(text).toContain('never started — schedule: start 2 ≥ end 1');
  });
});

describe('renderSvg', () => {
  const t = training(4);
  const svg = renderSvg(t);

  it('is one self-contained SVG element: a rectangle per phase segment, markers and ticks with titles', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/(href|src)=["']?https?:/);
    const segments = t.tracks.reduce((n, tr) => n + tr.segments.filter((s) => s.phase !== 'uninitialized').length, 0);
    expect(svg.match(/class="seg"/g)!.length).toBe(segments);
    expect(svg.match(/class="start"/g)!.length).toBe(3);
    expect(svg.match(/class="end"/g)!.length).toBe(2);
    expect(svg).toContain('pruning/MagnitudePruning started at step 2 (epoch 0.5) by batch_start event, in onStart');
  });

  it('flags a never-starting row with its reason', () => {
    const run = recordRecipeRun({ recipe: [new TestModifier({ start: 9 })], epochs: 1, stepsPerEpoch: 4, model: null });
    const out = renderSvg(buildTimeline(run.records, run.schedule));
    expect(out).toContain('data-flag="start-beyond-run"');
    expect(out).toContain('schedule: start 9 is beyond the run');
  });

  it('escapes labels and titles', () => {
    expect(renderSvg({ ...t, tracks: [{ ...t.tracks[0], schedule: { ...t.tracks[0].schedule, label: 'a<b>&"' } }] })).toContain('a&lt;b&gt;&amp;&quot;');
  });
});

describe('renderHtml', () => {
  const t = training(4);
  const html = renderHtml(t, { errorTable: { title: 'Errors', header: ['model', 'KL'], rows: [['RTN', '0.1']] }, diagrams: [{ title: 'M', svg: '<?xml version="1.0"?><svg id="m"></svg>' }] });

  it('inlines everything: no external resource', () => {
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).toContain('<svg id="m"></svg>');
    expect(html).not.toContain('<?xml');
    expect(html).toContain('<table class="error-table">');
  });

  it('carries the per-step data run-length encoded', () => {
    const data = reportData(t);
    expect(data.tracks[0].seg).toEqual([0, 1, 2, 2, 8, 3, 12, 4]);
    expect(data.tracks[0].upd).toEqual([2, 2, 4]);
    expect(html).toContain(JSON.stringify(data).slice(0, 40));
  });
});

describe('report size follows the changes, not the steps', () => {
  const page = (stepsPerEpoch: number) => {
    const recipe = [new TestModifier({ start: 0.5, end: 2, update: 0.5 }), new TestModifier({ start: 1 }), new TestModifier({ start: 3 })];
    const run = recordRecipeRun({ recipe, epochs: 3, stepsPerEpoch, model: null });
    return Buffer.byteLength(renderHtml(buildTimeline(run.records, run.schedule)));
  };

  it('a run 500× longer with the same schedule in epochs makes a page of about the same size', () => {
    const short = page(4);
    const long = page(2000);
    expect(long / short).toBeLessThan(1.1);
  });
});
