/**
 * examples/upstream/: recipes copied verbatim from LLM Compressor 0.12.0's tests (each file names its source).
 * Every one parses (as PyYAML reads it) and runs through oneshot on the synthetic model with calibration data.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Recipe, createSession, oneshot, createSyntheticModel } from '../../src/index.ts';
import { useWarningCapture } from '../helpers/errors.ts';

const dir = fileURLToPath(new URL('../../examples/upstream/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const CALIB = Array.from({ length: 2 }, (_, b) => Array.from({ length: 8 }, (_, t) => (b * 29 + t * 11) % 256));
const warnings = useWarningCapture();

describe('examples/upstream (LLM Compressor 0.12.0 recipes)', () => {
  it('holds the collected corpus', () => expect(files.length).toBeGreaterThanOrEqual(20));

  it.each(files)('%s runs through oneshot', (file) => {
    const path = dir + file;
    const recipe = Recipe.createInstance(path);
    expect(recipe.modifiers.length).toBeGreaterThan(0);
    const model = createSyntheticModel();
    const before = model.contentHash();
    createSession(() => oneshot({ model, recipe: path, calibrationData: CALIB }));
    expect(model.contentHash()).not.toBe(before);
    expect(Array.from(model.forward([1, 2, 3]).data).every(Number.isFinite)).toBe(true);
    void warnings;
  });
});
