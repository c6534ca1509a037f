/**
 * Standard output for the journal commands: synchronous whole writes to fd 1 that end quietly when
 * the reader goes away (`| head`), instead of an unhandled EPIPE.
 */
import { openAppendOnly, type AppendOnlyFile } from '../../../io/appendOnly.ts';

const encoder = new TextEncoder();

export class Stdout {
  readonly #file: AppendOnlyFile = openAppendOnly('-');
  #chunk: string[] = [];
  #size = 0;
  line = (text: string): void => {
    this.#chunk.push(text, '\n');
    this.#size += text.length + 1;
    if (this.#size > 1 << 16) this.flush();
  };
  get broken(): boolean {
    return this.#file.broken;
  }
  flush(): void {
    if (!this.#chunk.length) return;
    this.#file.write(encoder.encode(this.#chunk.join('')));
    this.#chunk = [];
    this.#size = 0;
  }
}
