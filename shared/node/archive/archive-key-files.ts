/**
 * The archive key's files on disk: written only where nothing is (a key is never overwritten by
 * another, and neither is a share), readable by their owner alone (0600), all or none (a run
 * that fails part-way removes what it wrote); and read back for `archive:open`. The formats are
 * archive-key-file.ts and archive-key-shares.ts; this module is their I/O only.
 */
import { constants } from 'node:fs';
import { lstat, open, readFile, stat, unlink } from 'node:fs/promises';
import { err, ok, type Result } from '../../result';
import { loadArchiveKey, type ArchiveKeyLoadError } from './archive-key-load';
import type { ArchiveKeyPair } from './archive-key-pair';

export const KEY_FILE_MODE = 0o600;
/** Key and share files are a few hundred bytes: anything larger is not one. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export interface NewFile {
  readonly path: string;
  readonly text: string;
}

export type KeyFileWriteError =
  /** Something is already at one of the paths: nothing was written. */
  | 'FILE_EXISTS'
  /** A path could not be written (no such folder, no permission, disk full): nothing was kept. */
  | 'WRITE_FAILED';

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** Writes every file, owner-only, or none of them; `path` names the one at fault. */
export async function writeNewPrivateFiles(
  files: readonly NewFile[],
): Promise<Result<void, { code: KeyFileWriteError; path: string }>> {
  for (const file of files) {
    const present = await lstat(file.path).then(
      () => true,
      (error: unknown) => errnoOf(error) !== 'ENOENT',
    );
    if (present) return err({ code: 'FILE_EXISTS', path: file.path });
  }
  const written: string[] = [];
  for (const file of files) {
    try {
      // O_EXCL: created here and now, or refused; O_NOFOLLOW: never through a planted link.
      const handle = await open(
        file.path,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        KEY_FILE_MODE,
      );
      written.push(file.path);
      try {
        // Exactly 0600, whatever the umask took from the mode asked for.
        await handle.chmod(KEY_FILE_MODE);
        await handle.writeFile(file.text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await Promise.all(written.map((path) => unlink(path).catch(() => undefined)));
      return err({ code: errnoOf(error) === 'EEXIST' ? 'FILE_EXISTS' : 'WRITE_FAILED', path: file.path });
    }
  }
  return ok(undefined);
}

/** The archive key from its private key file or K share files, or why not (with the file at fault). */
export async function readArchiveKeyFiles(
  paths: readonly string[],
): Promise<Result<ArchiveKeyPair, { code: ArchiveKeyLoadError | 'FILE_UNREADABLE'; file: number | null }>> {
  const texts: string[] = [];
  for (const [index, path] of paths.entries()) {
    try {
      if ((await stat(path)).size > MAX_KEY_FILE_BYTES) return err({ code: 'INVALID', file: index });
      texts.push(await readFile(path, 'utf8'));
    } catch {
      return err({ code: 'FILE_UNREADABLE', file: index });
    }
  }
  return loadArchiveKey(texts);
}
