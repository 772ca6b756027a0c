/**
 * Durable file replacement and destruction. A key file is either the old one or the new one
 * after a crash, never half of each; a destroyed one is overwritten before it is unlinked.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Makes a rename or unlink durable. Not on Windows: it refuses fsync on a directory handle
 * (EPERM), which would fail every write after it had succeeded; NTFS journals the entry itself.
 */
function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` to `file` via a temporary file, fsync and rename. Throws ENOSPC etc. unchanged. */
export function writeFileAtomic(file: string, data: Uint8Array, mode = 0o600): void {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file);
  fsyncDirectory(path.dirname(file));
}

/**
 * Overwrites a file with random bytes, flushes, then unlinks it. On SSDs the overwrite is not a
 * guarantee (wear levelling), which is why what we destroy this way is a wrapped key: without it
 * the rest is ciphertext.
 */
export function destroyFile(file: string): boolean {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return false;
  }
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, randomBytes(Math.max(size, 1)), 0, Math.max(size, 1), 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  unlinkSync(file);
  fsyncDirectory(path.dirname(file));
  return true;
}
