/**
 * The move from a profile folder to the workstation data folder on a real disk, including
 * starts cut short at each step (the file-system call a crash would stop is made to throw) and
 * then started again: nothing is ever lost, duplicated into place, or overwritten.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateProfileData, type MigrationIo } from '../../../main/fs/profile-migration';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const NOW = Date.UTC(2025, 0, 2, 3, 4, 5);

/** Every file under `dir`, by relative path, with a hash of its content. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
  }
  return files;
}

function write(file: string, content: string | Buffer = randomBytes(64)): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, content);
}

/** A profile as an older version left it, and an empty data folder, in a fresh temp folder. */
function setUp(): {
  profileDir: string;
  dataDir: string;
  machine: Record<string, string>;
  vaults: Record<string, string>;
} {
  const root = mkdtempSync(path.join(os.tmpdir(), 'wardline-migrate-'));
  const profileDir = path.join(root, 'profile');
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  for (const name of ['device-identity.json', 'audit.db', 'audit.db-wal', 'audit-head.json'])
    write(path.join(profileDir, 'machine', name));
  for (const vaultId of [A, B])
    for (const name of ['keys.json', 'vault.db', 'meta.json']) write(path.join(profileDir, 'vaults', vaultId, name));
  write(path.join(profileDir, 'Local State'), '{}');
  write(path.join(profileDir, 'exports', 'audit-export.json'), '[]');
  return {
    profileDir,
    dataDir,
    machine: tree(path.join(profileDir, 'machine')),
    vaults: tree(path.join(profileDir, 'vaults')),
  };
}

const crossVolume = (profileDir: string, dataDir: string) => (from: string, to: string) => {
  if (from.startsWith(profileDir) && to.startsWith(dataDir))
    throw Object.assign(new Error('cross-device link not permitted'), { code: 'EXDEV' });
  renameSync(from, to);
};

/** Throws (as a crash would stop) at the `nth` call of `call`, then behaves. */
function crashAt<F extends (...args: never[]) => void>(nth: number, call: F): F {
  let calls = 0;
  return ((...args: Parameters<F>) => {
    calls += 1;
    if (calls === nth) throw Object.assign(new Error('power cut'), { code: 'EIO' });
    call(...args);
  }) as F;
}

const migrate = (profileDir: string, dataDir: string, io?: Partial<MigrationIo>) =>
  migrateProfileData({ profileDir, dataDir, now: () => NOW, ...(io ? { io } : {}) });

describe('moving older data out of the profile', () => {
  it('moves the machine folder and every vault, and leaves everything else in the profile', () => {
    const { profileDir, dataDir, machine, vaults } = setUp();
    expect(migrate(profileDir, dataDir)).toEqual({
      ok: true,
      value: {
        moved: { machine: true, vaults: 2 },
        setAside: { machine: false, vaults: 0 },
        orphanDir: null,
        resumed: false,
      },
    });
    expect(tree(path.join(dataDir, 'machine'))).toEqual(machine);
    expect(tree(path.join(dataDir, 'vaults'))).toEqual(vaults);
    expect(readdirSync(profileDir).sort()).toEqual(['Local State', 'exports']);
  });

  it('does nothing, and makes nothing, the second time or for an empty profile', () => {
    const { profileDir, dataDir } = setUp();
    migrate(profileDir, dataDir);
    const before = tree(dataDir);
    expect(migrate(profileDir, dataDir)).toMatchObject({
      ok: true,
      value: { moved: { machine: false, vaults: 0 }, setAside: { machine: false, vaults: 0 }, orphanDir: null },
    });
    expect(tree(dataDir)).toEqual(before);
    expect(readdirSync(profileDir).sort()).toEqual(['Local State', 'exports']);
  });

  it("keeps a device identity in place, sets the profile's aside whole, and still moves its vaults", () => {
    const { profileDir, dataDir, machine, vaults } = setUp();
    write(path.join(dataDir, 'machine', 'device-identity.json'), 'the identity another user moved in first');
    write(path.join(dataDir, 'vaults', A, 'keys.json'), 'this clinician signed in under that user');
    const inPlace = tree(dataDir);
    const migrated = migrate(profileDir, dataDir);
    const orphanDir = path.join(profileDir, 'orphaned', '20250102T030405Z');
    expect(migrated).toEqual({
      ok: true,
      value: {
        moved: { machine: false, vaults: 1 },
        setAside: { machine: true, vaults: 1 },
        orphanDir,
        resumed: false,
      },
    });
    expect(tree(path.join(orphanDir, 'machine'))).toEqual(machine);
    expect(tree(path.join(orphanDir, 'vaults', A))).toEqual(
      Object.fromEntries(
        Object.entries(vaults)
          .filter(([file]) => file.startsWith(A))
          .map(([f, h]) => [path.relative(A, f), h]),
      ),
    );
    // What was in place is untouched; B, which was not, moved in.
    expect(tree(dataDir)).toEqual({
      ...inPlace,
      ...Object.fromEntries(
        Object.entries(vaults)
          .filter(([file]) => file.startsWith(B))
          .map(([f, h]) => [path.join('vaults', f), h]),
      ),
    });
    // A later start sets nothing aside twice, and a second set-aside gets its own folder.
    write(path.join(profileDir, 'machine', 'device-identity.json'), 'an older version ran again');
    expect(migrate(profileDir, dataDir)).toMatchObject({
      ok: true,
      value: { setAside: { machine: true, vaults: 0 }, orphanDir: `${orphanDir}-2` },
    });
  });

  it('copies across volumes, flushed, and leaves no staging folder or journal', () => {
    const { profileDir, dataDir, machine, vaults } = setUp();
    const migrated = migrate(profileDir, dataDir, { rename: crossVolume(profileDir, dataDir) });
    expect(migrated).toMatchObject({ ok: true, value: { moved: { machine: true, vaults: 2 } } });
    expect(tree(path.join(dataDir, 'machine'))).toEqual(machine);
    expect(tree(path.join(dataDir, 'vaults'))).toEqual(vaults);
    expect(readdirSync(profileDir).sort()).toEqual(['Local State', 'exports']);
    expect(readdirSync(dataDir).sort()).toEqual(['machine', 'vaults']);
    expect(readdirSync(path.join(dataDir, 'vaults')).sort()).toEqual([A, B]);
  });

  describe('cut short, then started again', () => {
    /** Runs once with `broken` (it must fail), checks nothing is lost, then again with plain io. */
    function interruptedThenResumed(
      broken: (profileDir: string, dataDir: string) => Partial<MigrationIo>,
      crossing: boolean,
    ) {
      const { profileDir, dataDir, machine, vaults } = setUp();
      const first = migrate(profileDir, dataDir, broken(profileDir, dataDir));
      expect(first).toEqual({ ok: false, error: { code: 'MIGRATION_FAILED', cause: 'EIO' } });
      // Every file still whole in at least one place: the profile or the data folder.
      const everywhere = { ...tree(path.join(profileDir, 'machine')), ...tree(path.join(dataDir, 'machine')) };
      for (const [file, hash] of Object.entries(machine)) expect(everywhere[file], file).toBe(hash);
      const second = migrate(profileDir, dataDir, crossing ? { rename: crossVolume(profileDir, dataDir) } : undefined);
      expect(second).toMatchObject({ ok: true, value: { setAside: { machine: false, vaults: 0 }, orphanDir: null } });
      expect(tree(path.join(dataDir, 'machine'))).toEqual(machine);
      expect(tree(path.join(dataDir, 'vaults'))).toEqual(vaults);
      expect(readdirSync(profileDir).sort()).toEqual(['Local State', 'exports']);
      expect(readdirSync(dataDir).sort()).toEqual(['machine', 'vaults']);
      return second;
    }

    it('between two folder moves on one volume', () => {
      interruptedThenResumed(() => ({ rename: crashAt(2, renameSync) }), false);
    });

    it('half way through copying a folder to another volume', () => {
      const resumed = interruptedThenResumed(
        (profileDir, dataDir) => ({ rename: crossVolume(profileDir, dataDir), copyFile: crashAt(3, copyFileSync) }),
        true,
      );
      // No journal: the half copy was never trusted, only deleted and made again.
      expect(resumed).toMatchObject({ ok: true, value: { resumed: false } });
    });

    it('after a whole copy, before it was renamed into place', () => {
      const resumed = interruptedThenResumed((profileDir, dataDir) => {
        const cross = crossVolume(profileDir, dataDir);
        let staged = 0;
        return {
          rename: (from, to) => {
            if (path.basename(from).startsWith('.incoming-') && (staged += 1) === 1)
              throw Object.assign(new Error('power cut'), { code: 'EIO' });
            cross(from, to);
          },
        };
      }, true);
      expect(resumed).toMatchObject({ ok: true, value: { resumed: true } });
    });

    it('after the copy was in place, before its source was deleted', () => {
      const resumed = interruptedThenResumed(
        (profileDir, dataDir) => ({
          rename: crossVolume(profileDir, dataDir),
          removeTree: (dir) => {
            if (dir.startsWith(profileDir)) throw Object.assign(new Error('power cut'), { code: 'EIO' });
            rmSync(dir, { recursive: true, force: true });
          },
        }),
        true,
      );
      expect(resumed).toMatchObject({ ok: true, value: { resumed: true } });
    });
  });

  it('sets the profile copy aside when another start takes its place between the survey and the move', () => {
    const { profileDir, dataDir, machine } = setUp();
    const migrated = migrate(profileDir, dataDir, {
      rename: (from, to) => {
        if (to === path.join(dataDir, 'machine') && !existsSync(to))
          write(path.join(to, 'device-identity.json'), 'the other user was faster');
        renameSync(from, to);
      },
    });
    expect(migrated).toMatchObject({ ok: true, value: { moved: { machine: false }, setAside: { machine: true } } });
    expect(readFileSync(path.join(dataDir, 'machine', 'device-identity.json'), 'utf8')).toBe(
      'the other user was faster',
    );
    expect(tree(path.join(profileDir, 'orphaned', '20250102T030405Z', 'machine'))).toEqual(machine);
  });

  it('sets the source aside, and drops its copy, when the place is taken while it was copied', () => {
    const { profileDir, dataDir, machine } = setUp();
    const cross = crossVolume(profileDir, dataDir);
    const migrated = migrate(profileDir, dataDir, {
      rename: (from, to) => {
        if (path.basename(from).startsWith('.incoming-machine'))
          write(path.join(to, 'device-identity.json'), 'the other user was faster');
        cross(from, to);
      },
    });
    expect(migrated).toMatchObject({
      ok: true,
      value: { moved: { machine: false, vaults: 2 }, setAside: { machine: true } },
    });
    expect(readdirSync(path.join(dataDir, 'machine'))).toEqual(['device-identity.json']);
    expect(readdirSync(dataDir).sort()).toEqual(['machine', 'vaults']);
    expect(tree(path.join(profileDir, 'orphaned', '20250102T030405Z', 'machine'))).toEqual(machine);
  });

  it('ignores a journal that names anything but its own folders, and deletes nothing it names', () => {
    const { profileDir, dataDir, machine } = setUp();
    const victim = path.join(path.dirname(profileDir), 'elsewhere');
    write(path.join(victim, 'precious'), 'keep me');
    write(
      path.join(profileDir, 'migration-journal.json'),
      JSON.stringify({ version: 1, from: victim, to: path.join(dataDir, 'machine'), staging: path.join(dataDir, 'x') }),
    );
    expect(migrate(profileDir, dataDir)).toMatchObject({
      ok: true,
      value: { resumed: false, moved: { machine: true } },
    });
    expect(readFileSync(path.join(victim, 'precious'), 'utf8')).toBe('keep me');
    expect(tree(path.join(dataDir, 'machine'))).toEqual(machine);
    expect(existsSync(path.join(profileDir, 'migration-journal.json'))).toBe(false);
  });

  it('shares each folder before a same-volume move and lets it inherit after; a failed share moves nothing', () => {
    const { profileDir, dataDir } = setUp();
    const calls: string[] = [];
    const failing = migrateProfileData({
      profileDir,
      dataDir,
      now: () => NOW,
      permissions: {
        share: () => {
          throw Object.assign(new Error('icacls failed'), { code: 'EACCES' });
        },
        inherit: () => calls.push('inherit'),
      },
    });
    expect(failing).toEqual({ ok: false, error: { code: 'MIGRATION_FAILED', cause: 'EACCES' } });
    expect(existsSync(path.join(profileDir, 'machine'))).toBe(true);
    expect(readdirSync(dataDir)).toEqual([]);
    const migrated = migrateProfileData({
      profileDir,
      dataDir,
      now: () => NOW,
      permissions: {
        share: (dir) => calls.push(`share ${path.relative(profileDir, dir)} ${String(existsSync(dir))}`),
        inherit: (dir) => calls.push(`inherit ${path.relative(dataDir, dir)} ${String(existsSync(dir))}`),
      },
    });
    expect(migrated).toMatchObject({ ok: true });
    expect(calls).toEqual([
      'share machine true',
      'inherit machine true',
      `share ${path.join('vaults', A)} true`,
      `inherit ${path.join('vaults', A)} true`,
      `share ${path.join('vaults', B)} true`,
      `inherit ${path.join('vaults', B)} true`,
    ]);
  });
});
