import { describe, expect, it } from 'vitest';
import {
  icaclsPath,
  judgePosixFolder,
  windowsAclArguments,
  windowsInheritArguments,
  windowsShareArguments,
} from '../../../main/fs/folder-access';

const mine = { isDirectory: true, isSymbolicLink: false, uid: 1000, mode: 0o40700 };

describe('the workstation data folder on Linux', () => {
  it('is kept when only its owner, this account, may use it', () => {
    expect(judgePosixFolder(mine, 1000)).toBe('keep');
  });

  it('is tightened when others may only read or enter it', () => {
    for (const mode of [0o40755, 0o40750, 0o40701, 0o40744])
      expect(judgePosixFolder({ ...mine, mode }, 1000), mode.toString(8)).toBe('tighten');
  });

  it('is refused when others may write in it, whatever else', () => {
    for (const mode of [0o40777, 0o40770, 0o40702, 0o40720, 0o41777])
      expect(judgePosixFolder({ ...mine, mode }, 1000), mode.toString(8)).toBe('DATA_FOLDER_WRITABLE_BY_OTHERS');
  });

  it('is refused when it belongs to another account, root included, even if private', () => {
    expect(judgePosixFolder({ ...mine, uid: 1001 }, 1000)).toBe('DATA_FOLDER_FOREIGN_OWNER');
    expect(judgePosixFolder({ ...mine, uid: 0 }, 1000)).toBe('DATA_FOLDER_FOREIGN_OWNER');
  });

  it('is refused when it is a symbolic link or not a folder', () => {
    expect(judgePosixFolder({ ...mine, isSymbolicLink: true }, 1000)).toBe('DATA_FOLDER_NOT_A_FOLDER');
    expect(judgePosixFolder({ ...mine, isDirectory: false, mode: 0o100600 }, 1000)).toBe('DATA_FOLDER_NOT_A_FOLDER');
  });
});

describe('the workstation data folder on Windows', () => {
  it('replaces what it inherits with SYSTEM, Administrators, Users and OWNER RIGHTS, by SID', () => {
    expect(windowsAclArguments('C:\\ProgramData\\Wardline')).toEqual([
      'C:\\ProgramData\\Wardline',
      '/inheritance:r',
      '/grant:r',
      '*S-1-5-18:(OI)(CI)F',
      '*S-1-5-32-544:(OI)(CI)F',
      '*S-1-5-32-545:(OI)(CI)M',
      '*S-1-3-4:(OI)(CI)M',
      '/Q',
    ]);
  });

  it('passes a path with spaces as one argument, unquoted (execFile quotes it)', () => {
    expect(windowsAclArguments('D:\\Ward 7\\Wardline')[0]).toBe('D:\\Ward 7\\Wardline');
  });

  it('gives no other account a right, and nobody the right to change permissions but SYSTEM and Administrators', () => {
    const grants = windowsAclArguments('C:\\x').filter((arg) => arg.startsWith('*'));
    const full = grants.filter((grant) => grant.endsWith('F'));
    expect(full).toEqual(['*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F']);
    expect(grants.every((grant) => /^\*S-1-(5-18|5-32-544|5-32-545|3-4):/.test(grant))).toBe(true);
  });

  it('shares a folder moved in from a profile with Users, then lets it inherit the data folder’s permissions', () => {
    expect(windowsShareArguments('C:\\Users\\a\\AppData\\Roaming\\Wardline\\machine')).toEqual([
      'C:\\Users\\a\\AppData\\Roaming\\Wardline\\machine',
      '/grant',
      '*S-1-5-32-545:(OI)(CI)M',
      '/T',
      '/Q',
    ]);
    expect(windowsInheritArguments('C:\\ProgramData\\Wardline\\machine')).toEqual([
      'C:\\ProgramData\\Wardline\\machine',
      '/reset',
      '/T',
      '/Q',
    ]);
  });

  it('runs icacls from System32 by its full path', () => {
    expect(icaclsPath({ SystemRoot: 'C:\\Windows' })).toBe('C:\\Windows\\System32\\icacls.exe');
    expect(icaclsPath({ SYSTEMROOT: 'D:\\WINNT' })).toBe('D:\\WINNT\\System32\\icacls.exe');
    for (const odd of [undefined, 'Windows', '%windir%', '\\\\server\\share'])
      expect(icaclsPath({ SystemRoot: odd }), String(odd)).toBe('C:\\Windows\\System32\\icacls.exe');
  });
});
