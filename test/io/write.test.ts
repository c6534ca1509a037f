import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { OutputError, OutputIsInputError, OutputTargetError, openOutput, recoverFileSet, SET_MARKER, writeFileSet, writeOutput } from '../../src/io/index.ts';
import { sys } from '../../src/io/sys.ts';
import { RuntimeError, ValueError } from '../../src/core/errors.ts';

const root = mkdtempSync(path.join(tmpdir(), 'llmc-io-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
let n = 0;
const fresh = () => {
  const d = path.join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};
/** Files in `dir`, hidden ones included (temporaries are hidden). */
const listing = (dir: string) => readdirSync(dir).sort();
const failWith = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

describe('writeOutput: one file, whole or not at all', () => {
  it('writes a new file and replaces an existing one, leaving no temporary file', () => {
    const d = fresh();
    const f = path.join(d, 'a.txt');
    writeOutput(f, 'one');
    writeOutput(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(listing(d)).toEqual(['a.txt']);
  });

  it('refuses to write over an input of the run: same path, ./ spelling, a hard link, a symlink', () => {
    const d = fresh();
    const recipe = path.join(d, 'r.yaml');
    writeFileSync(recipe, 'keep');
    linkSync(recipe, path.join(d, 'hard.yaml'));
    symlinkSync(recipe, path.join(d, 'soft.yaml'));
    for (const target of [recipe, `${d}/./r.yaml`, path.join(d, 'hard.yaml'), path.join(d, 'soft.yaml')]) {
      expect(() => writeOutput(target, 'records', { inputs: [recipe] })).toThrow(OutputIsInputError);
    }
    expect(() => writeOutput(recipe, 'x', { inputs: [recipe] })).toThrow(`refusing to write ${recipe}: it is an input of this run`);
    expect(readFileSync(recipe, 'utf8')).toBe('keep');
  });

  it('names a missing directory, a directory target and a dangling link; writes nothing', () => {
    const d = fresh();
    expect(() => writeOutput(path.join(d, 'no/such/x'), 'x')).toThrow(OutputError);
    expect(() => writeOutput(path.join(d, 'no/such/x'), 'x')).toThrow(`the directory ${path.join(d, 'no/such')} does not exist`);
    expect(() => writeOutput(d, 'x')).toThrow(OutputTargetError);
    expect(() => writeOutput(d, 'x')).toThrow(`cannot write ${d}: it is a directory`);
    symlinkSync(path.join(d, 'missing'), path.join(d, 'dangling'));
    expect(() => writeOutput(path.join(d, 'dangling'), 'x')).toThrow('symbolic link to a missing file');
    expect(() => writeOutput('', 'x')).toThrow(ValueError);
    expect(listing(d)).toEqual(['dangling']);
  });

  it('a 254-byte file name works (temporary names are short); a 300-byte one is ENAMETOOLONG with the path', () => {
    const d = fresh();
    const ok = path.join(d, 'a'.repeat(254));
    writeOutput(ok, 'x');
    expect(readFileSync(ok, 'utf8')).toBe('x');
    const long = path.join(d, 'b'.repeat(300));
    expect(() => writeOutput(long, 'x')).toThrow(OutputError);
    expect(() => writeOutput(long, 'x')).toThrow(/the file name is too long \(ENAMETOOLONG\)/);
    expect(listing(d)).toEqual(['a'.repeat(254)]);
  });

  it('a full disk (/dev/full) is an OutputError naming ENOSPC; devices are written in place, never replaced', () => {
    expect(() => writeOutput('/dev/full', 'x')).toThrow(RuntimeError);
    expect(() => writeOutput('/dev/full', 'x')).toThrow('cannot write /dev/full: no space left on the device (ENOSPC)');
    writeOutput('/dev/null', 'x');
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a full disk while writing the temporary file keeps the old file and removes the temporary', () => {
    const d = fresh();
    const f = path.join(d, 'a.txt');
    writeFileSync(f, 'old');
    vi.spyOn(sys, 'writeSync').mockImplementation(() => {
      throw failWith('ENOSPC');
    });
    expect(() => writeOutput(f, 'new')).toThrow('no space left on the device (ENOSPC); the old file, if any, is unchanged');
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(listing(d)).toEqual(['a.txt']);
  });

  it('a FIFO nobody reads is ENXIO at once, not a write that waits for ever', () => {
    const d = fresh();
    const fifo = path.join(d, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(() => writeOutput(fifo, 'x')).toThrow(/no process is reading it .*\(ENXIO\)/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('follows a symbolic link to a regular file: the file is replaced, the link stays a link', () => {
    const d = fresh();
    writeFileSync(path.join(d, 'real.txt'), 'old');
    symlinkSync(path.join(d, 'real.txt'), path.join(d, 'link.txt'));
    writeOutput(path.join(d, 'link.txt'), 'new');
    expect(lstatSync(path.join(d, 'link.txt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(d, 'real.txt'), 'utf8')).toBe('new');
  });

  it.skipIf(process.getuid?.() === 0)('a read-only directory is EACCES with the path', () => {
    const d = fresh();
    chmodSync(d, 0o555);
    expect(() => writeOutput(path.join(d, 'x'), 'x')).toThrow(/permission denied \(EACCES\)/);
    chmodSync(d, 0o755);
  });
});

describe('openOutput: piecewise, nothing in place before commit', () => {
  it('commit puts the file in place; abort keeps the old one; no temporary remains', () => {
    const d = fresh();
    const f = path.join(d, 'r.ndjson');
    writeFileSync(f, 'old');
    const a = openOutput(f);
    a.write('x\n');
    a.abort();
    expect(readFileSync(f, 'utf8')).toBe('old');
    const b = openOutput(f);
    b.write('1\n');
    b.write('2\n');
    expect(readFileSync(f, 'utf8')).toBe('old');
    b.commit();
    expect(readFileSync(f, 'utf8')).toBe('1\n2\n');
    expect(listing(d)).toEqual(['r.ndjson']);
  });

  it('a write failure is reported at commit as an OutputError; the old file stays', () => {
    const d = fresh();
    const f = path.join(d, 'r.ndjson');
    writeFileSync(f, 'old');
    const o = openOutput(f);
    vi.spyOn(sys, 'writeSync').mockImplementation(() => {
      throw failWith('ENOSPC');
    });
    o.write('x'.repeat(1 << 17));
    expect(() => o.commit()).toThrow(OutputError);
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(listing(d)).toEqual(['r.ndjson']);
  });

  it('checks the target when opened: a bad path fails before any work', () => {
    expect(() => openOutput(path.join(root, 'none', 'x'))).toThrow(OutputError);
  });
});

describe('writeFileSet: the old set or the new set, never a mix', () => {
  const pair = (d: string, tag: string) => [
    { path: path.join(d, 'model.safetensors'), data: `weights ${tag}` },
    { path: path.join(d, 'config.json'), data: `config ${tag}` },
  ];
  const read = (d: string) => [readFileSync(path.join(d, 'model.safetensors'), 'utf8'), readFileSync(path.join(d, 'config.json'), 'utf8')];

  it('replaces both files and leaves nothing else', () => {
    const d = fresh();
    writeFileSet(pair(d, 'old'));
    writeFileSet(pair(d, 'new'));
    expect(read(d)).toEqual(['weights new', 'config new']);
    expect(listing(d)).toEqual(['config.json', 'model.safetensors']);
  });

  it('a failure renaming the second file puts the first one back (the issue: new weights with the old config)', () => {
    const d = fresh();
    writeFileSet(pair(d, 'old'));
    const rename = sys.renameSync;
    vi.spyOn(sys, 'renameSync').mockImplementation((from, to) => {
      if (String(to).endsWith('config.json')) throw failWith('EIO');
      rename(from, to);
    });
    expect(() => writeFileSet(pair(d, 'new'))).toThrow(OutputError);
    vi.restoreAllMocks();
    expect(read(d)).toEqual(['weights old', 'config old']);
    expect(listing(d)).toEqual(['config.json', 'model.safetensors']);
  });

  it('a failure when the files were new removes the ones already renamed', () => {
    const d = fresh();
    const rename = sys.renameSync;
    vi.spyOn(sys, 'renameSync').mockImplementation((from, to) => {
      if (String(to).endsWith('config.json')) throw failWith('ENOSPC');
      rename(from, to);
    });
    expect(() => writeFileSet(pair(d, 'new'))).toThrow('no space left on the device');
    vi.restoreAllMocks();
    expect(listing(d)).toEqual([]);
  });

  it('a crash half-way (marker and backups left) is rolled back by recoverFileSet and by the next write', () => {
    const d = fresh();
    writeFileSet(pair(d, 'old'));
    // What a SIGKILL after the first rename leaves: the marker, a backup of each file, one file already new.
    writeFileSync(path.join(d, '.llmc-1-0.old'), 'weights old');
    writeFileSync(path.join(d, '.llmc-1-1.old'), 'config old');
    writeFileSync(path.join(d, 'model.safetensors'), 'weights new');
    writeFileSync(path.join(d, SET_MARKER), JSON.stringify({ members: [
      { target: 'model.safetensors', backup: '.llmc-1-0.old' }, { target: 'config.json', backup: '.llmc-1-1.old' },
    ] }));
    expect(recoverFileSet(d)).toBe(true);
    expect(read(d)).toEqual(['weights old', 'config old']);
    expect(listing(d)).toEqual(['config.json', 'model.safetensors']);
    expect(recoverFileSet(d)).toBe(false);
  });

  it('refuses members in two directories and non-regular members', () => {
    const a = fresh();
    const b = fresh();
    expect(() => writeFileSet([{ path: path.join(a, 'x'), data: '' }, { path: path.join(b, 'y'), data: '' }])).toThrow(OutputTargetError);
    expect(() => writeFileSet([{ path: '/dev/null', data: '' }, { path: path.join(a, 'y'), data: '' }])).toThrow('a file of a set must be a regular file');
    expect(existsSync(path.join(a, 'x'))).toBe(false);
  });
});
