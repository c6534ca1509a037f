/**
 * Where warnings go (upstream logs them with loguru). One sink, replaceable, so the CLI can route
 * warnings to stderr and tests can capture them. Warnings that involve the lifecycle are also
 * recorded as `effect.warning` records.
 */
export type WarningSink = (message: string) => void;

let sink: WarningSink = (message) => process.stderr.write(`warning: ${message}\n`);

export function warn(message: string): void {
  sink(message);
}

/** Replaces the warning sink; returns the previous one so callers can restore it. */
export function setWarningSink(next: WarningSink): WarningSink {
  const prev = sink;
  sink = next;
  return prev;
}
