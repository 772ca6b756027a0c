/**
 * The Administration view's form rules and confirmations, before anything is sent: a new
 * person's user id by the shared schema and names as they will be shown; a role address id with
 * or without its prefix; a typed confirmation that must name the thing; a workstation without a
 * name goes by the start of its id.
 */
import { describe, expect, it } from 'vitest';
import { checkNewPerson, EMPTY_NEW_PERSON, userIdProblem } from '../../../renderer/src/admin/people/new-person-form';
import { checkRoleAddress, normalizeRoleAddressId } from '../../../renderer/src/admin/roles/role-address-form';
import { typedMatches } from '../../../renderer/src/admin/typed-match';
import {
  confirmationName,
  workstationName,
  workstationStatus,
} from '../../../renderer/src/admin/workstations/workstation-labels';

describe('a new person', () => {
  it('takes a user id as sign-in does (trimmed, lower case) and refuses what the server would', () => {
    expect(userIdProblem('  Nurse.Adams ')).toBeNull();
    expect(userIdProblem('')).toBe('Enter a user ID.');
    expect(userIdProblem('.adams')).toMatch(/starting with a letter or digit/);
    expect(userIdProblem('nurse adams')).toMatch(/lower-case letters/);
    expect(userIdProblem('a'.repeat(65))).toBe('At most 64 characters.');
  });

  it('sends names as they will be shown, and names each missing or wrong field', () => {
    const checked = checkNewPerson({
      userId: ' Nurse.Ruiz',
      displayName: ' Tomás \u200b  Ruiz\n',
      role: 'nurse',
      department: 'Ward\t2',
      title: '',
    });
    expect(checked).toEqual({
      ok: true,
      value: { userId: 'nurse.ruiz', displayName: 'Tomás Ruiz', role: 'nurse', department: 'Ward 2', title: '' },
    });
    const empty = checkNewPerson({ ...EMPTY_NEW_PERSON, displayName: '\u200b', title: 'x'.repeat(201) });
    expect(empty.ok ? null : Object.keys(empty.error).sort()).toEqual(['displayName', 'role', 'title', 'userId']);
  });
});

describe('a role address', () => {
  it('takes its id with or without role:, in any case', () => {
    expect(normalizeRoleAddressId(' OnCall-Cardiology ')).toBe('role:oncall-cardiology');
    expect(normalizeRoleAddressId('Role:night-pharmacy')).toBe('role:night-pharmacy');
  });

  it('refuses an id the server would, and sends its text as it will be shown', () => {
    const form = {
      addressId: 'night-pharmacy',
      displayName: '  Night   pharmacy ',
      department: '',
      description: 'a\nb',
    };
    expect(checkRoleAddress(form)).toEqual({
      ok: true,
      value: { addressId: 'role:night-pharmacy', displayName: 'Night pharmacy', department: '', description: 'a b' },
    });
    for (const addressId of ['', 'role:', 'role:-night', 'night_pharmacy', `role:${'a'.repeat(80)}`]) {
      const refused = checkRoleAddress({ ...form, addressId });
      expect(refused.ok ? null : refused.error.addressId, addressId).toBeTruthy();
    }
    const unnamed = checkRoleAddress({ ...form, displayName: '\u202e' });
    expect(unnamed.ok ? null : unnamed.error.displayName).toMatch(/Enter the name/);
  });
});

describe('a typed confirmation', () => {
  it('matches the name in any case and spacing, and nothing else', () => {
    expect(typedMatches('ward 7 nurses  station ', 'Ward 7 nurses station')).toBe(true);
    expect(typedMatches('Ward 7 nurses statio', 'Ward 7 nurses station')).toBe(false);
    expect(typedMatches('Ward 7\u200b nurses station', 'Ward 7 nurses station')).toBe(true);
    expect(typedMatches('', '')).toBe(false);
    expect(typedMatches('Ward 1', 'Ward 7')).toBe(false);
  });
});

describe('a workstation', () => {
  const deviceId = '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10';

  it('goes by its name, or by the start of its id when it has none', () => {
    expect(confirmationName({ name: 'Ward 7 nurses station', deviceId })).toBe('Ward 7 nurses station');
    expect(confirmationName({ name: null, deviceId })).toBe('6f1c1a52');
    expect(confirmationName({ name: '\u200b', deviceId })).toBe('6f1c1a52');
    expect(workstationName({ name: null, deviceId })).toBe('the unnamed workstation 6f1c1a52');
  });

  it('says whether it is active, the one in use, revoked or wiped, and when', () => {
    const time = (at: number) => `at ${String(at)}`;
    const status = (revokedAt: number | null, wipedAt: number | null, thisWorkstation = false) =>
      workstationStatus({ revokedAt, wipedAt, thisWorkstation }, time);
    expect(status(null, null)).toBe('Active');
    expect(status(null, null, true)).toBe('Active (you are using it)');
    expect(status(5, null)).toBe('Revoked at 5');
    // Wiped is final (its key is gone), revoked first or not.
    expect([status(null, 7), status(5, 7)]).toEqual(['Wiped at 7', 'Wiped at 7']);
  });
});
