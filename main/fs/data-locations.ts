/**
 * Where a workstation keeps its data: decided from the platform, the environment and the
 * policy, and nothing else (no disk access), so every case is unit-tested on any OS.
 *
 * One per-machine folder (`dataDir`) holds `machine/` (the device key, the device audit log and
 * its witnessed head) and `vaults/` (every clinician's vault on this computer):
 * - Windows `%ProgramData%\Wardline`, Linux `/var/lib/wardline`, or policy `machineDataDir`.
 * - Not the roaming profile (`%APPDATA%`, Electron's userData), where older versions kept it:
 *   a device identity there is one per Windows user, and roaming carries SQLCipher files from
 *   PC to PC. profile-migration.ts moves that data here once.
 *
 * Vaults are per-machine too, not in the local profile (`%LOCALAPPDATA%`, `~/.local/share`):
 * - A remote wipe, a person wipe and the unused-vault purge run in whichever OS account starts
 *   Wardline next; a vault in another account's profile is out of their reach for good (the
 *   server counts the command done once one process has run it).
 * - On a ward PC a clinician signs in under whichever Windows account (or the one kiosk
 *   account) the PC is on; their vault follows them, not the Windows account, so one PC never
 *   holds several copies of one person's history.
 * - What keeps one clinician's vault from another is the clinician's password-derived wrap key,
 *   as it always was for colleagues sharing a kiosk account; the device layer binds the vault
 *   to this computer (machine-scope-protector.ts). Other OS users of the computer can read the
 *   ciphertext (folder-access.ts says why and what that costs), not open it.
 *
 * Compliance exports are plaintext copies of audit records chosen by one person: they stay per
 * OS user in the profile (`exportsDir`), as before.
 *
 * An unpackaged build (`npm start`, a developer who is not root) keeps using its profile folder,
 * unless policy names a folder (how a developer tries the per-machine flow, with `--policy`).
 * macOS has no per-machine decision yet and keeps the profile folder too.
 */
import path from 'node:path';
import { isAbsoluteLocalPath } from '../../shared/policy/policy-schema';
import { err, ok, type Result } from '../../shared/result';

export interface DataLocationInput {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly packaged: boolean;
  /** The per-user profile folder (Electron's userData), where older versions kept everything. */
  readonly profileDir: string;
  /** Policy `machineDataDir`, or null. */
  readonly policyDir: string | null;
}

export interface DataLocations {
  /** Holds `machine/` and `vaults/`. */
  readonly dataDir: string;
  /** Compliance exports, per OS user. */
  readonly exportsDir: string;
  /** The profile folder to move older data from; null when it is `dataDir` itself. */
  readonly migrateFrom: string | null;
  readonly chosenBy: 'policy' | 'platform' | 'profile';
}

export type DataLocationError =
  /** Policy names a path of the other platform's form (a drive letter on Linux, `/x` on Windows). */
  'MACHINE_DATA_DIR_INVALID';

export const LINUX_MACHINE_DATA_DIR = '/var/lib/wardline';
const WINDOWS_FALLBACK_PROGRAM_DATA = 'C:\\ProgramData';

export function resolveDataLocations(input: DataLocationInput): Result<DataLocations, DataLocationError> {
  const paths = input.platform === 'win32' ? path.win32 : path.posix;
  const profileDir = paths.normalize(input.profileDir);
  const exportsDir = paths.join(profileDir, 'exports');
  const chosen = chooseDataDir(input, paths);
  if (!chosen.ok) return chosen;
  const { dataDir, chosenBy } = chosen.value;
  return ok({
    dataDir,
    exportsDir,
    migrateFrom: samePath(input.platform, dataDir, profileDir) ? null : profileDir,
    chosenBy,
  });
}

function chooseDataDir(
  input: DataLocationInput,
  paths: path.PlatformPath,
): Result<{ dataDir: string; chosenBy: DataLocations['chosenBy'] }, DataLocationError> {
  if (input.policyDir !== null) {
    if (!fitsPlatform(input.platform, input.policyDir)) return err('MACHINE_DATA_DIR_INVALID');
    return ok({ dataDir: trimSeparator(paths, paths.normalize(input.policyDir)), chosenBy: 'policy' });
  }
  if (!input.packaged) return ok({ dataDir: paths.normalize(input.profileDir), chosenBy: 'profile' });
  if (input.platform === 'win32')
    return ok({ dataDir: paths.join(programData(input.env), 'Wardline'), chosenBy: 'platform' });
  if (input.platform === 'linux') return ok({ dataDir: LINUX_MACHINE_DATA_DIR, chosenBy: 'platform' });
  return ok({ dataDir: paths.normalize(input.profileDir), chosenBy: 'profile' });
}

/** A drive-letter path on Windows, a `/` path elsewhere; the schema has already refused the rest. */
function fitsPlatform(platform: NodeJS.Platform, dir: string): boolean {
  if (!isAbsoluteLocalPath(dir)) return false;
  return platform === 'win32' ? /^[A-Za-z]:[\\/]/.test(dir) : dir.startsWith('/');
}

/**
 * `%ProgramData%` as Windows sets it (environment names are case-insensitive there); only a
 * drive-letter path counts, else the documented default.
 */
function programData(env: DataLocationInput['env']): string {
  const entry = Object.entries(env).find(([name]) => name.toLowerCase() === 'programdata');
  const value = entry?.[1];
  return value !== undefined && /^[A-Za-z]:\\/.test(value) && isAbsoluteLocalPath(value)
    ? path.win32.normalize(value)
    : WINDOWS_FALLBACK_PROGRAM_DATA;
}

function trimSeparator(paths: path.PlatformPath, dir: string): string {
  const root = paths.parse(dir).root;
  return dir.length > root.length && dir.endsWith(paths.sep) ? dir.slice(0, -1) : dir;
}

/** Windows paths compare without case: `C:\Users\X` and `c:\users\x` are one folder. */
function samePath(platform: NodeJS.Platform, a: string, b: string): boolean {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const [left, right] = [trimSeparator(paths, a), trimSeparator(paths, b)];
  return platform === 'win32' ? left.toLowerCase() === right.toLowerCase() : left === right;
}
