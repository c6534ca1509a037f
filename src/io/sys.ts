/**
 * The file-system calls the writer makes, gathered in one object so tests can inject faults (a rename
 * that fails half-way through a set, a full disk) without a special file system. Not for other users.
 * @internal
 */
import fs from 'node:fs';

export const sys = {
  lstatSync: fs.lstatSync,
  statSync: fs.statSync,
  realpathSync: fs.realpathSync,
  openSync: fs.openSync,
  writeSync: fs.writeSync,
  fsyncSync: fs.fsyncSync,
  closeSync: fs.closeSync,
  renameSync: fs.renameSync,
  linkSync: fs.linkSync,
  copyFileSync: fs.copyFileSync,
  unlinkSync: fs.unlinkSync,
  readFileSync: fs.readFileSync,
  existsSync: fs.existsSync,
};
