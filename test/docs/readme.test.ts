/** The README's code examples run as written (the import of 'llmc-sim' pointed at src/index.ts). */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README examples', () => {
  it('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'llmc-readme-'));
      const file = join(dir, `example${i}.ts`);
      const index = pathToFileURL(join(root, 'src/index.ts')).href;
      writeFileSync(file, `${code.replace(/from 'llmc-sim'/g, `from '${index}'`)}\nexport {};\n`);
      const log = console.log;
      console.log = () => {};
      try {
        await import(pathToFileURL(file).href);
      } finally {
        console.log = log;
      }
    });
  });
});
