/**
 * Who may use the workstation data folder (data-locations.ts), made so before anything is
 * written in it. The decisions are pure and unit-tested; the rest is a few file-system calls.
 *
 * Linux: the folder belongs to the one OS account that runs Wardline on this computer (a ward's
 * kiosk account; IT creates `/var/lib/wardline` for it, since only root can create it there).
 * `dataDir`, `machine/` and `vaults/` are 0700, files 0600 (as the modules writing them make
 * them). A folder that is not a real folder (a symbolic link could point anywhere), belongs to
 * another account, or that other accounts may write to is refused, never repaired: what they
 * may have put in it cannot be told apart from ours. One only others may read or enter is
 * tightened to 0700: nothing can have been planted, and from now on nothing is read. Several OS
 * accounts sharing one Linux workstation's data is not supported yet (a group-shared mode would
 * be the Windows arrangement below).
 *
 * Windows: every Windows user of the PC runs Wardline as themselves, and all of them use the one
 * device key, audit log and set of vaults, so all need to read and write them. The folder gets,
 * in place of what it inherits from `%ProgramData%`: SYSTEM and Administrators full control,
 * the Users group modify (read, write, create, delete; not change permissions), and OWNER RIGHTS
 * modify, which takes away the implicit right of whoever created a file to change its
 * permissions (so one user cannot lock the others, or a wipe, out of a vault). Set when Wardline
 * creates the folder; an existing one (made by the installer, or by the first start) is kept as
 * it is. The trade-off: the OS no longer keeps one Windows user from reading another's vault
 * files. They are ciphertext: the data key is wrapped by the clinician's password-derived key
 * and sealed for this computer (machine-scope-protector.ts), so reading one's content takes that
 * clinician's password, guessed offline against Argon2id at the policy's cost; and any user can
 * delete or damage a vault or the unsynced audit log (the server keeps what it has
 * acknowledged). Per-user ACLs would keep the files out of reach but also out of reach of the
 * wipe and purge run from another account, and would tie a clinician's vault to one Windows
 * account. Keeping users out entirely takes a Wardline service running as SYSTEM that owns this
 * folder; that is the follow-up, not this module.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../shared/result';

export type FolderRefusal =
  /** Missing and could not be created (no right to create it, read-only disk). */
  | 'DATA_FOLDER_UNAVAILABLE'
  /** A file, a symbolic link or something else that is not a plain folder. */
  | 'DATA_FOLDER_NOT_A_FOLDER'
  /** Belongs to another OS account (Linux). */
  | 'DATA_FOLDER_FOREIGN_OWNER'
  /** Other accounts may write in it (Linux). */
  | 'DATA_FOLDER_WRITABLE_BY_OTHERS'
  /** Created, but its permissions could not be set (Windows); it was removed again. */
  | 'DATA_FOLDER_ACL_FAILED';

export interface PosixFolderFacts {
  readonly isDirectory: boolean;
  readonly isSymbolicLink: boolean;
  readonly uid: number;
  readonly mode: number;
}

/** What to do with an existing folder on Linux: keep it, tighten it to 0700, or refuse it. */
export function judgePosixFolder(facts: PosixFolderFacts, myUid: number): 'keep' | 'tighten' | FolderRefusal {
  if (facts.isSymbolicLink || !facts.isDirectory) return 'DATA_FOLDER_NOT_A_FOLDER';
  if (facts.uid !== myUid) return 'DATA_FOLDER_FOREIGN_OWNER';
  if ((facts.mode & 0o022) !== 0) return 'DATA_FOLDER_WRITABLE_BY_OTHERS';
  return (facts.mode & 0o077) === 0 ? 'keep' : 'tighten';
}

/** The well-known SIDs, so the grant does not depend on the language Windows names them in. */
export const WINDOWS_SIDS = {
  system: 'S-1-5-18',
  administrators: 'S-1-5-32-544',
  users: 'S-1-5-32-545',
  ownerRights: 'S-1-3-4',
} as const;

/**
 * icacls's arguments for the data folder: inherited entries removed, then full control for
 * SYSTEM and Administrators and modify for Users and OWNER RIGHTS, each inherited by every
 * folder (CI) and file (OI) below.
 */
export function windowsAclArguments(dir: string): string[] {
  const everything = '(OI)(CI)';
  return [
    dir,
    '/inheritance:r',
    '/grant:r',
    `*${WINDOWS_SIDS.system}:${everything}F`,
    `*${WINDOWS_SIDS.administrators}:${everything}F`,
    `*${WINDOWS_SIDS.users}:${everything}M`,
    `*${WINDOWS_SIDS.ownerRights}:${everything}M`,
    '/Q',
  ];
}

/**
 * A folder moved in from a profile keeps the profile's permissions (its owner only). Before the
 * move, Users get modify on it and everything in it, so the other accounts can use it at once;
 * after it, `/reset` makes it take the data folder's permissions instead (profile-migration.ts).
 */
export function windowsShareArguments(dir: string): string[] {
  return [dir, '/grant', `*${WINDOWS_SIDS.users}:(OI)(CI)M`, '/T', '/Q'];
}

export function windowsInheritArguments(dir: string): string[] {
  return [dir, '/reset', '/T', '/Q'];
}

/** icacls.exe from System32 by its full path, never whatever `icacls` the search path finds first. */
export function icaclsPath(env: Readonly<Record<string, string | undefined>>): string {
  const entry = Object.entries(env).find(([name]) => name.toLowerCase() === 'systemroot');
  const root = entry?.[1] !== undefined && /^[A-Za-z]:\\[^%]*$/.test(entry[1]) ? entry[1] : 'C:\\Windows';
  return path.win32.join(root, 'System32', 'icacls.exe');
}

export interface FolderAccessDeps {
  readonly platform: NodeJS.Platform;
  /** This process's uid (POSIX). */
  readonly uid: number;
  /** Runs icacls with these arguments; true if it succeeded (Windows). */
  readonly runIcacls: (args: readonly string[]) => Promise<boolean>;
}

export type FolderPrepared = 'created' | 'kept' | 'tightened';

/** Makes `dataDir` (and on Linux its `machine/` and `vaults/`) safe to write in, or says why not. */
export async function prepareDataFolder(
  dataDir: string,
  deps: FolderAccessDeps,
): Promise<Result<FolderPrepared, FolderRefusal>> {
  if (deps.platform === 'win32') return prepareWindowsFolder(dataDir, deps.runIcacls);
  let result: FolderPrepared = 'kept';
  for (const dir of [dataDir, path.join(dataDir, 'machine'), path.join(dataDir, 'vaults')]) {
    const prepared = preparePosixFolder(dir, deps.uid);
    if (!prepared.ok) return prepared;
    if (dir === dataDir) result = prepared.value;
  }
  return ok(result);
}

function preparePosixFolder(dir: string, uid: number): Result<FolderPrepared, FolderRefusal> {
  const created = createFolder(dir);
  if (created === 'failed') return err('DATA_FOLDER_UNAVAILABLE');
  let facts: PosixFolderFacts;
  try {
    const stat = lstatSync(dir);
    facts = { isDirectory: stat.isDirectory(), isSymbolicLink: stat.isSymbolicLink(), uid: stat.uid, mode: stat.mode };
  } catch {
    return err('DATA_FOLDER_UNAVAILABLE');
  }
  const judged = judgePosixFolder(facts, uid);
  if (judged === 'keep') return ok(created ? 'created' : 'kept');
  if (judged !== 'tighten') return err(judged);
  try {
    chmodSync(dir, 0o700);
  } catch {
    return err('DATA_FOLDER_UNAVAILABLE');
  }
  return ok(created ? 'created' : 'tightened');
}

async function prepareWindowsFolder(
  dir: string,
  runIcacls: FolderAccessDeps['runIcacls'],
): Promise<Result<FolderPrepared, FolderRefusal>> {
  const created = createFolder(dir);
  if (created === 'failed') return err('DATA_FOLDER_UNAVAILABLE');
  if (!created) {
    try {
      return lstatSync(dir).isDirectory() ? ok('kept') : err('DATA_FOLDER_NOT_A_FOLDER');
    } catch {
      return err('DATA_FOLDER_UNAVAILABLE');
    }
  }
  if (await runIcacls(windowsAclArguments(dir))) return ok('created');
  // Nothing is written under what %ProgramData% lets every user read; the next start tries again.
  try {
    rmdirSync(dir);
  } catch {
    // Left empty; the next start would keep it as it is (the installer is the better creator).
  }
  return err('DATA_FOLDER_ACL_FAILED');
}

/** true if this call made the folder (not its parents: those are IT's), false if it existed. */
function createFolder(dir: string): boolean | 'failed' {
  try {
    mkdirSync(dir, { mode: 0o700 });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EEXIST' ? false : 'failed';
  }
}

/** The real icacls runner (Windows only). */
export function runIcacls(env: Readonly<Record<string, string | undefined>>) {
  return (args: readonly string[]): Promise<boolean> =>
    new Promise((resolve) => {
      execFile(icaclsPath(env), [...args], { windowsHide: true, timeout: 30_000 }, (error) => resolve(error === null));
    });
}

/** The migration's permission steps on Windows; each throws if icacls fails. */
export function windowsMigrationPermissions(env: Readonly<Record<string, string | undefined>>) {
  const icacls = (args: readonly string[]) =>
    void execFileSync(icaclsPath(env), [...args], { windowsHide: true, timeout: 60_000, stdio: 'ignore' });
  return {
    share: (dir: string) => icacls(windowsShareArguments(dir)),
    inherit: (dir: string) => icacls(windowsInheritArguments(dir)),
  };
}
