/**
 * Carries out profile-migration-plan.ts: moves an OS user's old data into the workstation data
 * folder so that a crash at any point loses nothing and the next start finishes the job.
 *
 * - On one volume, each folder moves by one rename: it is in one place or the other, never both
 *   or neither. Rename also never replaces a folder that holds anything, so if another Windows
 *   user's start moved a device identity in meanwhile, ours fails and is set aside instead.
 * - Across volumes (policy puts the data folder on another drive), a folder is copied to a
 *   staging folder beside its destination and flushed; a journal in the profile then records
 *   that the copy is whole; the staging folder is renamed into place; the source is deleted;
 *   the journal goes. A start that finds the journal finishes from where it stopped; a staging
 *   folder without a journal was never finished and is deleted (its source is still whole).
 *   The source is deleted only once its copy is in place, and set aside (never deleted) when
 *   its place was taken.
 * - Nothing is ever overwritten in the data folder.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result';
import { writeFileAtomic } from './atomic-file';
import { planProfileMigration, VAULT_FOLDER, type MigrationStep } from './profile-migration-plan';

export interface MigrationReport {
  readonly moved: { readonly machine: boolean; readonly vaults: number };
  readonly setAside: { readonly machine: boolean; readonly vaults: number };
  /** Where set-aside folders went this time, or null if nothing was set aside. */
  readonly orphanDir: string | null;
  /** A journal left by an interrupted start was finished first. */
  readonly resumed: boolean;
}

export interface MigrationFailure {
  readonly code: 'MIGRATION_FAILED';
  /** The errno code (ENOSPC, EACCES...), never a path. */
  readonly cause: string;
}

/** The file-system calls a crash test interrupts; the real ones by default. */
export interface MigrationIo {
  readonly rename: (from: string, to: string) => void;
  readonly copyFile: (from: string, to: string) => void;
  readonly removeTree: (dir: string) => void;
}

export interface MigrationOptions {
  readonly profileDir: string;
  readonly dataDir: string;
  readonly now: () => number;
  /**
   * Windows: a folder renamed within a volume keeps the permissions it had in the profile (this
   * user only), so the other users of the PC could not open it. `share` grants them access to
   * it before the move (it fails the migration if it cannot); `inherit` then makes it take the
   * data folder's permissions instead (best effort: the grant already works). Copies need
   * neither: new files take their folder's permissions.
   */
  readonly permissions?: { share(dir: string): void; inherit(dir: string): void };
  readonly io?: Partial<MigrationIo>;
}

const JOURNAL_FILE = 'migration-journal.json';
const journalSchema = z.strictObject({
  version: z.literal(1),
  from: z.string().min(1).max(4096),
  to: z.string().min(1).max(4096),
  staging: z.string().min(1).max(4096),
});
type Journal = z.infer<typeof journalSchema>;

const realIo: MigrationIo = {
  rename: renameSync,
  copyFile: copyFileSync,
  removeTree: (dir) => rmSync(dir, { recursive: true, force: true }),
};

export function migrateProfileData(options: MigrationOptions): Result<MigrationReport, MigrationFailure> {
  try {
    return ok(migrate(options));
  } catch (error) {
    return err({ code: 'MIGRATION_FAILED', cause: errnoOf(error) ?? 'UNKNOWN' });
  }
}

function migrate(options: MigrationOptions): MigrationReport {
  const io: MigrationIo = { ...realIo, ...options.io };
  const { profileDir, dataDir } = options;
  const token = createHash('sha256').update(path.resolve(profileDir)).digest('hex').slice(0, 12);
  const journalFile = path.join(profileDir, JOURNAL_FILE);
  const orphanRoot = path.join(profileDir, 'orphaned');
  const orphanDir = freeName(orphanRoot, compactTime(options.now()));
  const setAside = { machine: false, vaults: 0 };
  const moved = { machine: false, vaults: 0 };

  const setAsideFolder = (from: string, to: string, what: MigrationStep['what']) => {
    mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
    io.rename(from, to);
    if (what === 'machine') setAside.machine = true;
    else setAside.vaults += 1;
  };

  /** From a whole, flushed staging copy on: into place, or the source set aside if the place is taken. */
  const finishCopy = (journal: Journal, what: MigrationStep['what']): 'moved' | 'set-aside' => {
    let outcome: 'moved' | 'set-aside' = 'moved';
    if (existsSync(journal.staging)) {
      try {
        replaceEmptyFolder(journal.to);
        io.rename(journal.staging, journal.to);
      } catch (error) {
        if (!isOccupied(error, journal.to)) throw error;
        // Set aside before the copy goes: until then the copy is the journal's proof of a whole source.
        if (existsSync(journal.from))
          setAsideFolder(journal.from, path.join(orphanDir, relativeTarget(dataDir, journal.to)), what);
        io.removeTree(journal.staging);
        outcome = 'set-aside';
      }
    }
    if (outcome === 'moved' && existsSync(journal.from)) io.removeTree(journal.from);
    rmSync(journalFile, { force: true });
    return outcome;
  };

  // 1. A journal: an earlier start stopped after a whole copy. Finish that first.
  const journal = readJournal(journalFile, profileDir, dataDir, token);
  const resumed = journal !== null;
  if (journal !== null) {
    const what = path.basename(journal.from) === 'machine' ? 'machine' : 'vault';
    if (finishCopy(journal, what) === 'moved') {
      if (what === 'machine') moved.machine = true;
      else moved.vaults += 1;
    }
  } else rmSync(journalFile, { force: true });
  // 2. Staging folders of ours with no journal: copies that never finished (their sources are whole).
  for (const dir of [dataDir, path.join(dataDir, 'vaults')])
    for (const name of listNames(dir))
      if (name.startsWith('.incoming-') && name.endsWith(`-${token}`)) io.removeTree(path.join(dir, name));

  // 3. The plan, from what is there now.
  const steps = planProfileMigration(
    {
      profileMachine: isFolder(path.join(profileDir, 'machine')),
      profileVaults: listNames(path.join(profileDir, 'vaults')).filter((name) => VAULT_FOLDER.test(name)),
      dataMachineInUse: listNames(path.join(dataDir, 'machine')).length > 0,
      dataVaults: listNames(path.join(dataDir, 'vaults')),
    },
    { profileDir, dataDir, orphanDir },
  );
  for (const step of steps) {
    if (step.kind === 'set-aside') {
      setAsideFolder(step.from, step.to, step.what);
      continue;
    }
    mkdirSync(path.dirname(step.to), { recursive: true, mode: 0o700 });
    options.permissions?.share(step.from);
    let outcome: 'moved' | 'set-aside';
    try {
      replaceEmptyFolder(step.to);
      io.rename(step.from, step.to);
      outcome = 'moved';
      try {
        options.permissions?.inherit(step.to);
      } catch {
        // Shared already; only the explicit grant stays behind.
      }
    } catch (error) {
      if (errnoOf(error) === 'EXDEV') {
        const copy: Journal = {
          version: 1,
          from: step.from,
          to: step.to,
          staging: path.join(path.dirname(step.to), `.incoming-${path.basename(step.to)}-${token}`),
        };
        io.removeTree(copy.staging);
        copyTree(step.from, copy.staging, io);
        writeFileAtomic(journalFile, Buffer.from(`${JSON.stringify(copy)}\n`, 'utf8'));
        outcome = finishCopy(copy, step.what);
      } else if (isOccupied(error, step.to)) {
        setAsideFolder(step.from, path.join(orphanDir, relativeTarget(dataDir, step.to)), step.what);
        outcome = 'set-aside';
      } else throw error;
    }
    if (outcome === 'moved') {
      if (step.what === 'machine') moved.machine = true;
      else moved.vaults += 1;
    }
  }
  // An emptied profile `vaults/` goes; anything left in it stays.
  try {
    rmdirSync(path.join(profileDir, 'vaults'));
  } catch {
    // Missing, or not empty.
  }
  const anythingSetAside = setAside.machine || setAside.vaults > 0;
  return { moved, setAside, orphanDir: anythingSetAside ? orphanDir : null, resumed };
}

/**
 * A journal that names exactly what this profile and data folder would have written; anything
 * else is discarded (its staging folder, if any, goes with the unfinished ones: the source is
 * only ever deleted after a journal proved its copy whole).
 */
function readJournal(file: string, profileDir: string, dataDir: string, token: string): Journal | null {
  let parsed: Journal;
  try {
    parsed = journalSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
  const { from, to, staging } = parsed;
  const fromOk =
    from === path.join(profileDir, 'machine') ||
    (path.dirname(from) === path.join(profileDir, 'vaults') && VAULT_FOLDER.test(path.basename(from)));
  const toOk =
    path.basename(to) === path.basename(from) &&
    path.dirname(to) === (path.basename(from) === 'machine' ? dataDir : path.join(dataDir, 'vaults'));
  const stagingOk = staging === path.join(path.dirname(to), `.incoming-${path.basename(to)}-${token}`);
  return fromOk && toOk && stagingOk ? parsed : null;
}

/** Copies a folder of plain files and folders, flushing each file and folder. */
function copyTree(from: string, to: string, io: MigrationIo): void {
  mkdirSync(to, { mode: 0o700 });
  for (const name of readdirSync(from)) {
    const source = path.join(from, name);
    const target = path.join(to, name);
    const stat = lstatSync(source);
    if (stat.isDirectory()) copyTree(source, target, io);
    else if (stat.isFile()) {
      io.copyFile(source, target);
      flush(target, false);
    } else throw Object.assign(new Error('not a plain file'), { code: 'EINVAL' });
  }
  flush(to, true);
}

/** fsync; a folder's entries only where the OS can (not Windows, where NTFS journals them). */
function flush(file: string, isFolder: boolean): void {
  if (isFolder && process.platform === 'win32') return;
  const fd = openSync(file, isFolder ? 'r' : 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Rename replaces an empty folder on POSIX but not on Windows: an empty place is made free first. */
function replaceEmptyFolder(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Missing, or not empty: rename then says which.
  }
}

function isOccupied(error: unknown, target: string): boolean {
  const code = errnoOf(error);
  return (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM' || code === 'EACCES') && existsSync(target);
}

function relativeTarget(dataDir: string, to: string): string {
  return path.relative(dataDir, to);
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return [];
    throw error;
  }
}

function isFolder(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function freeName(root: string, base: string): string {
  let candidate = path.join(root, base);
  for (let n = 2; existsSync(candidate); n += 1) candidate = path.join(root, `${base}-${String(n)}`);
  return candidate;
}

/** 20250102T030405Z: sorts by time and is a valid folder name everywhere. */
function compactTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:]/g, '');
}

function errnoOf(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : null;
}
