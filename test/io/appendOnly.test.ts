import { describe, expect, it } from 'vitest';
import { lstatSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppendPathError, openAppendOnly } from '../../src/io/appendOnly.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'llmc-append-'));
const bytes = (s: string) => new TextEncoder().encode(s);

describe('openAppendOnly', () => {
  it('creates a new file exclusively and appends whole writes', () => {
    const file = join(tmp(), 'a.log');
    const f = openAppendOnly(file);
    expect(f.target).toBe('file');
    f.write(bytes('one\n'));
    f.write(bytes('two\n'));
    f.close();
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
  });

  it('refuses an existing file unless forced, and leaves it as it was', () => {
    const file = join(tmp(), 'a.log');
    writeFileSync(file, 'keep me');
    expect(() => openAppendOnly(file)).toThrow(AppendPathError);
    expect(() => openAppendOnly(file)).toThrow(`${file}: already exists; pass --force to overwrite it`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const f = openAppendOnly(file, { force: true });
    f.write(bytes('new'));
    f.close();
    expect(readFileSync(file, 'utf8')).toBe('new');
  });

  it('names a missing directory and a directory target', () => {
    const dir = tmp();
    expect(() => openAppendOnly(join(dir, 'missing', 'a.log'))).toThrow(`no such directory: ${join(dir, 'missing')}`);
    expect(() => openAppendOnly(dir)).toThrow('is a directory');
  });

  it("writes a device in place (never replaced by a regular file), through a link too; '-' is stdout", () => {
    const dir = tmp();
    const link = join(dir, 'null-link');
    symlinkSync('/dev/null', link);
    const f = openAppendOnly(link);
    expect(f.target).toBe('device');
    f.write(bytes('dropped\n'));
    f.close();
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(openAppendOnly('-').target).toBe('stdout');
    const dev = openAppendOnly('/dev/null');
    expect(dev.target).toBe('device');
    dev.close();
  });
});
