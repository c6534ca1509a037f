/**
 * Where `timeline` and `diagram` put what they render: stdout, or a file written whole (temporary file
 * renamed over the target, so a half-written file never replaces a good one). The one place these
 * commands write files.
 */
import { writeFileAtomic } from '../../../io/atomicWrite.ts';

export async function emit(text: string, file: string | undefined, out: (line: string) => void): Promise<void> {
  if (file) {
    await writeFileAtomic(file, text);
    out(`wrote ${file} (${Buffer.byteLength(text)} bytes)`);
  } else out(text.replace(/\n$/, ''));
}
