// PyYAML accepts flow collections continued at (or left of) their key's indentation; so do we.
// Fixtures: test/fixtures/pyyaml/*.yaml and PyYAML's safe_load of each (*.json, from bench/python/pyyaml_fixtures.py).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/recipe/parseYaml.ts';
import { reindentFlowContinuations } from '../../src/recipe/flowIndent.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'pyyaml');
const cases = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('flow collections continued at the key indentation', () => {
  it.each(cases)('%s reads as PyYAML reads it', (name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    const expected = JSON.parse(readFileSync(join(dir, name.replace(/\.yaml$/, '.json')), 'utf8'));
    const parsed = parseYaml(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value).toEqual(expected);
  });

  it('keeps line numbers (only indentation changes) and leaves well-indented text alone', () => {
    const text = 'a:\n  b: [1,\n  2]\n';
    const fixed = reindentFlowContinuations(text)!;
    expect(fixed.split('\n')).toHaveLength(text.split('\n').length);
    expect(fixed).toBe('a:\n  b: [1,\n   2]\n');
    expect(reindentFlowContinuations('a:\n  b: [1,\n     2]\n')).toBeNull();
  });

  it('still reports real syntax errors with their line', () => {
    const parsed = parseYaml('a: [1,\nb: 2\n');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.detail).toMatch(/^YAML syntax error at line \d+/);
  });
});
