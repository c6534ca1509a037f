/**
 * Where `timeline` and `diagram` put what they render: stdout, or a file written through src/io (whole, never
 * half-written, never over an input of the run). The one place these commands write files.
 */
import { writeOutput } from '../../../io/index.ts';

export async function emit(text: string, file: string | undefined, out: (line: string) => void, inputs: readonly string[] = []): Promise<void> {
  if (file) {
    writeOutput(file, text, { inputs });
    if (file !== '-') out(`wrote ${file} (${Buffer.byteLength(text)} bytes)`);
  } else out(text.replace(/\n$/, ''));
}
