import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { colourEnabled, colours } from '../../src/cli/format/colour.ts';
import { progressVisible, startProgress } from '../../src/cli/progress.ts';
import { streamingTable, formatTable } from '../../src/cli/format/table.ts';
import { mistypedCommand } from '../../src/cli/suggestCommand.ts';
import { buildProgram, main } from '../../src/cli/main.ts';
import { loadCliModel } from '../../src/cli/models.ts';

/** A fake terminal: a stream that says it is a TTY and keeps what was written. */
function fakeTty() {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean };
  s.isTTY = true;
  s.columns = 100;
  s.cursorTo = () => true;
  s.clearLine = () => true;
  s.moveCursor = () => true;
  let text = '';
  s.on('data', (d) => (text += d.toString()));
  return { stream: s as unknown as NodeJS.WriteStream, text: () => text };
}

describe('colour', () => {
  it('is on for a terminal, off for a pipe, off with NO_COLOR, on with FORCE_COLOR', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colours({ isTTY: false }, {}).green('x')).toBe('x');
    expect(colours({ isTTY: true }, {}).green('x')).not.toBe('x');
  });
});

describe('progress', () => {
  it('is silent when stderr is no terminal or with --quiet', () => {
    expect(progressVisible({ stream: { isTTY: false } as NodeJS.WriteStream })).toBe(false);
    expect(progressVisible({ stream: { isTTY: true } as NodeJS.WriteStream, quiet: true })).toBe(false);
    const p = startProgress({ label: 'x', total: 2, unit: 'steps', stream: { isTTY: false } as NodeJS.WriteStream });
    let wrote = false;
    p.above(() => (wrote = true));
    p.tick();
    p.stop();
    expect(p.visible).toBe(false);
    expect(wrote).toBe(true);
  });

  it('on a terminal draws a bar with the count, the rate and an ETA, and writes above it', () => {
    const tty = fakeTty();
    const p = startProgress({ label: 'run', total: 4, unit: 'steps', stream: tty.stream });
    p.tick(2, 'step 1');
    p.above(() => tty.stream.write('a row\n'));
    p.stop();
    expect(tty.text()).toMatch(/run .*\d+% \| \d\/4 steps \| [\d.–]+ steps\/s \| ETA/);
    expect(tty.text()).toContain('a row\n');
  });
});

describe('tables', () => {
  it('a streaming table lines up with the buffered one for the same widths', () => {
    const header = ['step', 'phase'];
    const rows = [['1', 'STARTED'], ['10', 'initialized']];
    const t = streamingTable(header, [2, 11], ['r']);
    expect([...t.header, ...rows.map((r) => t.row(r))].join('\n')).toBe(formatTable(header, rows, ['r']));
    expect(t.row(['1', 'x'], (padded) => `<${padded}>`)).toBe('<   1>  <x>');
  });
});

describe('--model', () => {
  it('names a missing model file and the names it takes', async () => {
    await expect(loadCliModel('no/such/model.bin')).rejects.toThrow("--model: no such file: no/such/model.bin (or use 'synthetic' or 'stories260K')");
    expect((await loadCliModel('synthetic', 3)).label).toBe('synthetic (built-in, seed 3)');
  });
});

describe('mistyped subcommands', () => {
  it('suggest the command instead of reading the word as a recipe path', async () => {
    const program = buildProgram();
    expect(mistypedCommand(program, ['quantise'])).toBe("unknown command 'quantise'. Did you mean 'quantize'?");
    expect(mistypedCommand(program, ['onesht', 'x.yaml'])).toBe("unknown command 'onesht'. Did you mean 'oneshot'?");
    expect(mistypedCommand(program, ['run'])).toBeNull();
    expect(mistypedCommand(program, ['examples/training.yaml'])).toBeNull();
    expect(mistypedCommand(program, ['--help'])).toBeNull();
    const write = process.stderr.write;
    let err = '';
    process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
    try {
      expect(await main(['quantise'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err).toContain("Did you mean 'quantize'?");
  });
});
