/**
 * Files shipped inside the llmc-sim package (models/, examples/), found from this module's location so the
 * same call works in the source checkout (src/io/) and in the built package (dist/src/io/).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package's root folder: the nearest ancestor of this file holding llmc-sim's package.json. */
function packageRoot(): string {
  for (const up of ['../../', '../../../']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(`${dir}package.json`) && existsSync(`${dir}models`)) return dir;
  }
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** The absolute path of `relPath` (e.g. `examples/training.yaml`) inside the installed package. */
export function packageFile(relPath: string): string {
  return packageRoot() + relPath;
}
