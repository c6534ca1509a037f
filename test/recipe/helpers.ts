/** Test modifiers and temp files for the recipe tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Modifier } from '../../src/modifiers/modifier.ts';
import { ModifierFactory } from '../../src/modifiers/factory.ts';
import { asBool, asOptionalString, asStringList, field, type FieldSpecs } from '../../src/core/fields.ts';
import { setWarningSink } from '../../src/core/logger.ts';

export class TestModifier extends Modifier {
  static override readonly fields: FieldSpecs = [...Modifier.fields];
  protected onInitialize(): boolean {
    return true;
  }
}

/** A modifier with typed fields of its own (snake_case Python names, camelCase properties). */
export class OtherModifier extends Modifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field('targets', 'targets', ['Linear'], asStringList),
    field('scheme', 'scheme', null, asOptionalString),
    field('transform_type', 'transformType', 'hadamard', asOptionalString),
    field('enabled', 'enabled', true, asBool),
    field('cache_', 'cache', null, asOptionalString),
  ];
  declare targets: string[];
  declare scheme: string | null;
  declare transformType: string | null;
  declare enabled: boolean;
  declare cache: string | null;
  protected onInitialize(): boolean {
    return true;
  }
}

export function registerTestModifiers(): void {
  ModifierFactory.register('TestModifier', TestModifier);
  ModifierFactory.register('OtherModifier', OtherModifier);
}
registerTestModifiers();

let dir: string | undefined;
/** Writes `text` to a fresh temp file named `name` (never inside the repo); returns its path. */
export function tempFile(name: string, text: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'llmc-recipe-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Captures warnings for the duration of each test. */
export function captureWarnings(): string[] {
  const seen: string[] = [];
  let prev: ((m: string) => void) | undefined;
  beforeEach(() => {
    seen.length = 0;
    prev = setWarningSink((m) => seen.push(m));
  });
  afterEach(() => {
    if (prev) setWarningSink(prev);
  });
  return seen;
}

export { thrown } from '../helpers/errors.ts';
