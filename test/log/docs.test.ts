/** docs/journal-format.md's TypeScript examples run as written (the XState inspection snippet). */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(join(root, 'docs/journal-format.md'), 'utf8');
const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/journal-format.md examples', () => {
  it('has the watching example', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
  });
  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'llmc-journal-doc-')), `example${i}.ts`);
      const index = pathToFileURL(join(root, 'src/index.ts')).href;
      writeFileSync(file, `${code.replace(/from 'llmc-sim'/g, `from '${index}'`)}\nexport {};\n`);
      await import(pathToFileURL(file).href);
    });
  });
});
