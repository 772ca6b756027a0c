import { describe, expect, it } from 'vitest';
import { resolveDataLocations, type DataLocationInput } from '../../../main/fs/data-locations';

const windows: DataLocationInput = {
  platform: 'win32',
  env: { ProgramData: 'C:\\ProgramData', APPDATA: 'C:\\Users\\nurse\\AppData\\Roaming' },
  packaged: true,
  profileDir: 'C:\\Users\\nurse\\AppData\\Roaming\\Wardline',
  policyDir: null,
};
const linux: DataLocationInput = {
  platform: 'linux',
  env: { HOME: '/home/kiosk', XDG_DATA_HOME: '/home/kiosk/.local/share' },
  packaged: true,
  profileDir: '/home/kiosk/.config/Wardline',
  policyDir: null,
};

describe('where a workstation keeps its data', () => {
  it('is %ProgramData%\\Wardline on Windows, moved there from the roaming profile', () => {
    expect(resolveDataLocations(windows)).toEqual({
      ok: true,
      value: {
        dataDir: 'C:\\ProgramData\\Wardline',
        exportsDir: 'C:\\Users\\nurse\\AppData\\Roaming\\Wardline\\exports',
        migrateFrom: 'C:\\Users\\nurse\\AppData\\Roaming\\Wardline',
        chosenBy: 'platform',
      },
    });
  });

  it('reads %ProgramData% whatever its case, and only as a drive-letter path', () => {
    const dataDir = (env: Record<string, string | undefined>) => {
      const resolved = resolveDataLocations({ ...windows, env });
      return resolved.ok ? resolved.value.dataDir : resolved.error;
    };
    expect(dataDir({ PROGRAMDATA: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\Wardline');
    expect(dataDir({ programdata: 'D:\\ProgramData\\' })).toBe('D:\\ProgramData\\Wardline');
    // Missing, relative, a share or a step out: the documented default, never somewhere odd.
    for (const odd of [undefined, 'ProgramData', '\\\\server\\share', 'C:\\ProgramData\\..\\Users', ''])
      expect(dataDir({ ProgramData: odd }), String(odd)).toBe('C:\\ProgramData\\Wardline');
  });

  it('is /var/lib/wardline on Linux', () => {
    expect(resolveDataLocations(linux)).toEqual({
      ok: true,
      value: {
        dataDir: '/var/lib/wardline',
        exportsDir: '/home/kiosk/.config/Wardline/exports',
        migrateFrom: '/home/kiosk/.config/Wardline',
        chosenBy: 'platform',
      },
    });
  });

  it('is the folder policy names, normalised, on either platform', () => {
    const dataDir = (input: DataLocationInput, policyDir: string) => {
      const resolved = resolveDataLocations({ ...input, policyDir });
      return resolved.ok ? [resolved.value.dataDir, resolved.value.chosenBy] : resolved.error;
    };
    expect(dataDir(windows, 'D:\\Wardline\\')).toEqual(['D:\\Wardline', 'policy']);
    expect(dataDir(windows, 'd:/Wardline data/x')).toEqual(['d:\\Wardline data\\x', 'policy']);
    expect(dataDir(windows, 'D:\\')).toEqual(['D:\\', 'policy']);
    expect(dataDir(linux, '/srv/wardline/')).toEqual(['/srv/wardline', 'policy']);
    expect(dataDir(linux, '/srv//wardline')).toEqual(['/srv/wardline', 'policy']);
  });

  it("refuses a policy folder of the other platform's form, or not absolute", () => {
    const refused = (input: DataLocationInput, policyDir: string) => resolveDataLocations({ ...input, policyDir });
    expect(refused(windows, '/srv/wardline')).toEqual({ ok: false, error: 'MACHINE_DATA_DIR_INVALID' });
    expect(refused(windows, '\\Wardline')).toEqual({ ok: false, error: 'MACHINE_DATA_DIR_INVALID' });
    expect(refused(linux, 'D:\\Wardline')).toEqual({ ok: false, error: 'MACHINE_DATA_DIR_INVALID' });
    expect(refused(linux, 'wardline')).toEqual({ ok: false, error: 'MACHINE_DATA_DIR_INVALID' });
    expect(refused(linux, '/srv/../etc')).toEqual({ ok: false, error: 'MACHINE_DATA_DIR_INVALID' });
  });

  it('keeps an unpackaged build in its profile folder unless policy names one', () => {
    for (const input of [windows, linux]) {
      const resolved = resolveDataLocations({ ...input, packaged: false });
      expect(resolved).toMatchObject({
        ok: true,
        value: { dataDir: input.profileDir, migrateFrom: null, chosenBy: 'profile' },
      });
    }
    expect(resolveDataLocations({ ...linux, packaged: false, policyDir: '/tmp/wardline-machine' })).toMatchObject({
      ok: true,
      value: { dataDir: '/tmp/wardline-machine', migrateFrom: linux.profileDir, chosenBy: 'policy' },
    });
  });

  it('moves nothing when policy names the profile folder itself (any case on Windows)', () => {
    expect(
      resolveDataLocations({ ...windows, policyDir: 'c:\\users\\NURSE\\AppData\\Roaming\\Wardline\\' }),
    ).toMatchObject({ ok: true, value: { migrateFrom: null } });
    expect(resolveDataLocations({ ...linux, policyDir: '/home/kiosk/.config/Wardline/' })).toMatchObject({
      ok: true,
      value: { migrateFrom: null },
    });
    // Linux paths are case-sensitive: another case is another folder.
    expect(resolveDataLocations({ ...linux, policyDir: '/home/kiosk/.config/wardline' })).toMatchObject({
      ok: true,
      value: { migrateFrom: linux.profileDir },
    });
  });

  it('keeps the profile folder on macOS, where no per-machine location is decided yet', () => {
    expect(
      resolveDataLocations({
        ...linux,
        platform: 'darwin',
        profileDir: '/Users/a/Library/Application Support/Wardline',
      }),
    ).toMatchObject({
      ok: true,
      value: { dataDir: '/Users/a/Library/Application Support/Wardline', migrateFrom: null },
    });
  });
});
