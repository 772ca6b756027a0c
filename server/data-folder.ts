/**
 * The data folder holds what only the server's own account may read or change: TLS private
 * keys, the embedded database, the local admin token, demo passwords. `secureDataFolder` runs
 * before anything in it is opened or created:
 *
 * - A folder that group or others can write, or that another account owns, is refused
 *   (`DataFolderUnsafeError`): whoever could write it may already have replaced a key or
 *   planted a file, so its contents cannot be trusted, and tightening it now would hide that.
 * - The process umask gains 077, so every file and folder Node creates from now on is
 *   0600/0700 whatever mode its creator asks for (the TLS code asks 0644 for certificates).
 * - Entries an earlier version left open to group or others lose those bits. Symbolic links
 *   are left alone, never followed.
 *
 * PGlite is the exception the umask cannot reach: its WebAssembly file system keeps a umask of
 * its own and sets each new file's mode explicitly (0666 for what initdb writes, 0644 for the
 * relation cache files it writes as it opens). The database folder is therefore tightened again
 * once PGlite has opened (db/pglite-database.ts); the files PostgreSQL creates after that are
 * 0600 by its own umask. Either way the 0700 data folder keeps every other account out.
 *
 * The umask is process-wide on purpose: the embedded database keeps creating files (WAL
 * segments, new relations) for as long as it runs. On Windows, modes do not describe who may
 * write (ACLs do), so only the umask is set there.
 */
import { lstat, mkdir, readdir, chmod, stat } from 'node:fs/promises';
import path from 'node:path';

const GROUP_OTHER_BITS = 0o077;
const GROUP_OTHER_WRITE = 0o022;

export type DataFolderProblem = 'WRITABLE_BY_OTHERS' | 'OWNED_BY_ANOTHER_ACCOUNT' | 'NOT_A_FOLDER';

/** The server will not start on this data folder. The message names the folder, never its contents. */
export class DataFolderUnsafeError extends Error {
  readonly code = 'DATA_FOLDER_UNSAFE';
  constructor(
    readonly folder: string,
    readonly problem: DataFolderProblem,
  ) {
    super(
      problem === 'NOT_A_FOLDER'
        ? `The data folder ${folder} is not a folder.`
        : problem === 'OWNED_BY_ANOTHER_ACCOUNT'
          ? `The data folder ${folder} belongs to another account: give it to the account the server runs as (mode 0700), then start again.`
          : `The data folder ${folder} can be written by other accounts: make it 0700, owned by the account the server runs as, check what is in it, then start again.`,
    );
    this.name = 'DataFolderUnsafeError';
  }
}

/** The decision, pure: what is wrong with a folder of this mode and owner, if anything. */
export function dataFolderProblem(
  folder: { isDirectory: boolean; mode: number; uid: number },
  serverUid: number | undefined,
): DataFolderProblem | null {
  if (!folder.isDirectory) return 'NOT_A_FOLDER';
  if ((folder.mode & GROUP_OTHER_WRITE) !== 0) return 'WRITABLE_BY_OTHERS';
  if (serverUid !== undefined && folder.uid !== serverUid) return 'OWNED_BY_ANOTHER_ACCOUNT';
  return null;
}

/** An entry removed while the folder is walked (another instance renaming its staging folder) is skipped. */
async function unlessGone<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Removes group and other bits from everything under `folder` that this account owns. */
export async function tightenFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const uid = process.getuid?.();
  const visit = async (directory: string): Promise<void> => {
    for (const entry of (await unlessGone(readdir(directory, { withFileTypes: true }))) ?? []) {
      if (entry.isSymbolicLink()) continue;
      const full = path.join(directory, entry.name);
      const info = await unlessGone(lstat(full));
      if (info === null) continue;
      if ((uid === undefined || info.uid === uid) && (info.mode & GROUP_OTHER_BITS) !== 0)
        await unlessGone(chmod(full, info.mode & 0o7700));
      if (info.isDirectory()) await visit(full);
    }
  };
  await visit(folder);
}

/** Creates the folder 0700 if absent, refuses an unsafe one, and makes everything in it private. */
export async function secureDataFolder(dataDir: string): Promise<string> {
  const folder = path.resolve(dataDir);
  const previous = process.umask(GROUP_OTHER_BITS);
  if ((previous | GROUP_OTHER_BITS) !== GROUP_OTHER_BITS) process.umask(previous | GROUP_OTHER_BITS);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return folder;
  const info = await stat(folder);
  const uid = process.getuid?.();
  const problem = dataFolderProblem({ isDirectory: info.isDirectory(), mode: info.mode, uid: info.uid }, uid);
  if (problem !== null) throw new DataFolderUnsafeError(folder, problem);
  if ((info.mode & GROUP_OTHER_BITS) !== 0) await chmod(folder, info.mode & 0o7700);
  await tightenFolder(folder);
  return folder;
}
