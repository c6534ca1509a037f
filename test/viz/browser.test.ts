/**
 * The HTML report in a real browser: Debian's headless Chromium driven by playwright-core (never a
 * downloaded browser). The page is opened from file:// with every network request refused; moving the
 * slider must show, for each step, the phases the records say; a screenshot is left in out/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { recordRecipeRun } from '../../src/viz/fromRecipe.ts';
import { buildTimeline } from '../../src/viz/timeline.ts';
import { renderHtml } from '../../src/viz/html.ts';
import { machineDiagrams } from '../../src/viz/diagram.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import { TestModifier } from '../helpers/testModifier.ts';
import { phasesFromRecords } from '../helpers/records.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/viz/browser.test.ts skipped: ${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium; .ci/run does)`);

describe.skipIf(!hasChromium)('HTML report in headless Chromium', () => {
  const model = createSyntheticModel({ seed: 0 });
  const run = recordRecipeRun({ recipe: 'examples/training.yaml', epochs: 3, stepsPerEpoch: 4, model });
  const t = buildTimeline(run.records, run.schedule, { modelSparsity: run.modelSparsity });
  const file = resolve('out/report.html');
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync('out', { recursive: true });
    writeFileSync(file, renderHtml(t, { title: 'llmc-sim timeline · examples/training.yaml', diagrams: await machineDiagrams(), step: 0 }));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.route(/^(?!file:)/, (route) => route.abort());
    await page.goto(pathToFileURL(file).href);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('moving the slider shows, at each step, the phases the records reach', async () => {
    const slider = page.locator('#step');
    await slider.focus();
    await page.keyboard.press('Home');
    for (let step = 0; step <= t.steps; step++) {
      if (step > 0) await page.keyboard.press('ArrowRight');
      expect(await slider.inputValue()).toBe(String(step));
      const shown = await page.locator('td.phase').allTextContents();
      expect(shown, `step ${step}`).toEqual(phasesFromRecords(run.records, t.tracks.length, step, t.steps));
    }
    expect(await page.locator('#step-label').textContent()).toBe('after finalize');
  });

  it('shows sparsity, what changed a phase, and hover details; works offline with no errors', async () => {
    await page.keyboard.press('Home');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    expect(await page.locator('#step-label').textContent()).toBe('step 5 (epoch 1.25)');
    expect(await page.locator('#sparsity').textContent()).toMatch(/^\d+\.\d\d% of Linear weights are zero$/);
    expect(await page.locator('tr[data-track="0"] .why').textContent()).toBe('since step 2 (epoch 0.5): batch_start event, in onStart');
    await page.locator('svg.timeline path.start').first().hover();
    expect(await page.locator('#hover').textContent()).toBe('pruning/MagnitudePruning started at step 2 (epoch 0.5) by batch_start event, in onStart');
    expect(await page.locator('.diagram svg').count()).toBe(2);
    await page.screenshot({ path: 'out/report.png', fullPage: true });
    expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('flags a schedule that can never start, with its reason', async () => {
    const bad = recordRecipeRun({ recipe: [new TestModifier({ start: 2, end: 1 }), new TestModifier({ start: 0.5 })], epochs: 2, stepsPerEpoch: 4, model: null });
    const flaggedFile = resolve('out/report-flagged.html');
    writeFileSync(flaggedFile, renderHtml(buildTimeline(bad.records, bad.schedule)));
    await page.goto(pathToFileURL(flaggedFile).href);
    expect(await page.locator('ul.flags li').allTextContents()).toEqual(['Test: never started — schedule: start 2 ≥ end 1, so start ≤ epoch < end never holds']);
    expect(await page.locator('g.track[data-flag="start-not-before-end"]').count()).toBe(1);
    await page.screenshot({ path: 'out/report-flagged.png', fullPage: true });
  });
});
