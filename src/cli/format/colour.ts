/**
 * Colour for people, never for pipes: on when the stream is a terminal, off when `NO_COLOR` is set
 * (no-color.org), forced on by `FORCE_COLOR` (not `0`). Styles come from picocolors.
 */
import pc from 'picocolors';

export type Colours = ReturnType<typeof pc.createColors>;

/** Whether `stream` gets colour under `env`. */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** picocolors' styles, each the identity when colour is off for `stream`. */
export function colours(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colours {
  return pc.createColors(colourEnabled(stream, env));
}

/** The CLI's warning line: `warning: …`, the label in yellow where stderr takes colour. */
export function warningLine(message: string, c: Colours): string {
  return `${c.yellow('warning')}: ${message}`;
}
