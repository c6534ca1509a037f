/**
 * Progress for long commands, on stderr: a bar with rate and ETA (cli-progress), shown only when
 * stderr is a terminal and `--quiet` is not given, so pipes, files and tests see nothing. The work it
 * measures is synchronous, so the bar redraws from `tick` (throttled by cli-progress), not from a timer.
 * `verify` and `replay` can use it the same way: `const p = startProgress({...}); p.tick(); p.stop()`.
 */
import cliProgress from 'cli-progress';

export interface ProgressOptions {
  /** What is being counted, shown before the bar (e.g. `run`, `oneshot`). */
  label: string;
  total: number;
  /** Unit of one tick (e.g. `steps`, `runs`). */
  unit: string;
  quiet?: boolean;
  /** Where the bar goes; default process.stderr. */
  stream?: NodeJS.WriteStream;
}

export interface Progress {
  /** Advances by `by` (default 1); `detail` replaces the text after the ETA. */
  tick(by?: number, detail?: string): void;
  /** Writes output above the bar (clears the bar's line, calls `write`, redraws). */
  above(write: () => void): void;
  /** Removes the bar. Idempotent. */
  stop(): void;
  readonly visible: boolean;
}

const SILENT: Progress = { tick() {}, above: (write) => write(), stop() {}, visible: false };

/** Whether a bar would show on `stream`. */
export function progressVisible(options: Pick<ProgressOptions, 'quiet' | 'stream'>): boolean {
  const stream = options.stream ?? process.stderr;
  return !options.quiet && stream.isTTY === true;
}

export function startProgress(options: ProgressOptions): Progress {
  if (!progressVisible(options)) return SILENT;
  const stream = options.stream ?? process.stderr;
  const startedAt = performance.now();
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${options.label} {bar} {percentage}% | {value}/{total} ${options.unit} | {rate} ${options.unit}/s | ETA {eta_formatted} {detail}`,
      hideCursor: true,
      clearOnComplete: true,
      forceRedraw: true,
      etaBuffer: 100,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let value = 0;
  let detail = '';
  const payload = () => {
    const seconds = (performance.now() - startedAt) / 1000;
    return { rate: seconds > 0 ? (value / seconds).toFixed(1) : '–', detail };
  };
  bar.start(options.total, 0, payload());
  let stopped = false;
  return {
    visible: true,
    tick(by = 1, text) {
      if (stopped) return;
      value += by;
      if (text !== undefined) detail = text;
      bar.update(value, payload());
    },
    above(write) {
      if (stopped) return write();
      stream.write('\r\x1b[2K');
      write();
      bar.render();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
