/**
 * Writes a file so that a reader never sees it half-written: the data goes to a temporary file
 * beside the target, which is then renamed over it (atomic on one filesystem). A failure leaves the
 * old file as it was and removes the temporary one.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

const tmpFor = (file: string) => `${file}.tmp-${process.pid}`;

export function writeFileAtomicSync(file: string, data: Uint8Array | string): void {
  const tmp = tmpFor(file);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = tmpFor(file);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
