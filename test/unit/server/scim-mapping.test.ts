/**
 * The pure halves of SCIM provisioning (server/scim/): how a User maps to a Wardline account and
 * what may change, how a PATCH is checked and applied (including what would otherwise reach an
 * object's prototype through scim-patch), and the one filter Wardline answers.
 */
import { describe, expect, it } from 'vitest';
import { userQueryOf } from '../../../server/scim/scim-filter';
import { canonicalPath, patchedUser } from '../../../server/scim/scim-patch-request';
import {
  ENTERPRISE_USER_SCHEMA,
  scimPatchRequest,
  scimUserInput,
  USER_SCHEMA,
} from '../../../server/scim/scim-schemas';
import {
  changesOf,
  desiredUserOf,
  newAccountOf,
  scimUserOf,
  type DesiredUser,
  type ScimAccount,
} from '../../../server/scim/scim-user-mapping';

const input = (fields: Record<string, unknown>) =>
  scimUserInput.parse({ schemas: [USER_SCHEMA], userName: 'nurse.ade', roles: [{ value: 'nurse' }], ...fields });

const desired = (fields: Record<string, unknown>) => {
  const result = desiredUserOf(input(fields));
  if (!result.ok) throw new Error(`refused: ${result.detail}`);
  return result.value;
};

const current: ScimAccount = {
  account: {
    userId: 'nurse.ade',
    displayName: 'Ade Bello',
    role: 'nurse',
    department: 'Ward 4',
    title: 'Staff Nurse',
  },
  active: true,
  externalId: 'e-1',
  created: 1_700_000_000_000,
  lastModified: 1_700_000_000_000,
};

const same: DesiredUser = {
  userId: 'nurse.ade',
  displayName: 'Ade Bello',
  title: 'Staff Nurse',
  department: 'Ward 4',
  roles: ['nurse'],
  active: true,
  externalId: 'e-1',
};

describe('a SCIM User as a Wardline account', () => {
  it('takes the id from userName, trimmed and lower case, and refuses what is not a Wardline id', () => {
    expect(desired({ userName: '  Nurse.ADE ', displayName: 'A' }).userId).toBe('nurse.ade');
    for (const userName of ['ade@stmarys.example', 'ade bello', '.ade', 'a'.repeat(65), '']) {
      const refused = desiredUserOf(input({ userName, displayName: 'A' }));
      expect(refused, userName).toMatchObject({ ok: false, error: 400, scimType: 'invalidValue' });
    }
  });

  it('takes the display name from displayName, else name.formatted, else given and family names', () => {
    expect(desired({ displayName: ' Ade Bello ', name: { formatted: 'X' } }).displayName).toBe('Ade Bello');
    expect(desired({ name: { formatted: 'Ade Bello', givenName: 'X' } }).displayName).toBe('Ade Bello');
    expect(desired({ name: { givenName: 'Ade', familyName: 'Bello' } }).displayName).toBe('Ade Bello');
    expect(desiredUserOf(input({ name: { givenName: ' ' } }))).toMatchObject({ ok: false, scimType: 'invalidValue' });
  });

  it('reads title, the enterprise department, active in any spelling, and externalId', () => {
    const user = desired({
      displayName: 'A',
      title: ' Charge Nurse ',
      active: 'False',
      externalId: 'abc',
      [ENTERPRISE_USER_SCHEMA]: { department: 'Ward 9', employeeNumber: '77' },
    });
    expect(user).toMatchObject({ title: 'Charge Nurse', department: 'Ward 9', active: false, externalId: 'abc' });
    expect(desired({ displayName: 'A' })).toMatchObject({ title: '', department: '', active: true, externalId: null });
    expect(scimUserInput.safeParse({ schemas: [USER_SCHEMA], userName: 'a', active: 'no' }).success).toBe(false);
  });

  it('refuses a password, a body without the User schema, and attributes no schema names', () => {
    expect(desiredUserOf(input({ displayName: 'A', password: 'Secret1!' }))).toMatchObject({
      scimType: 'invalidValue',
    });
    expect(desiredUserOf(input({ displayName: 'A', schemas: ['urn:other'] }))).toMatchObject({
      scimType: 'invalidSyntax',
    });
    expect(scimUserInput.safeParse({ schemas: [USER_SCHEMA], userName: 'a', shoeSize: 44 }).success).toBe(false);
  });

  it('gives a new person exactly one role a directory may give, never it-admin', () => {
    const role = (roles: string[]) => newAccountOf({ ...same, roles });
    expect(role(['physician'])).toMatchObject({ ok: true, value: { role: 'physician' } });
    expect(role(['compliance-officer'])).toMatchObject({ ok: true });
    expect(role(['it-admin'])).toMatchObject({ ok: false, error: 403 });
    expect(role(['nurse', 'it-admin'])).toMatchObject({ ok: false, error: 403 });
    expect(role([])).toMatchObject({ ok: false, error: 400, scimType: 'invalidValue' });
    expect(role(['nurse', 'physician'])).toMatchObject({ ok: false, scimType: 'invalidValue' });
    expect(role(['surgeon'])).toMatchObject({ ok: false, scimType: 'invalidValue' });
    expect(desired({ displayName: 'A', roles: [{ value: ' Front-Desk ' }] }).roles).toEqual(['front-desk']);
  });
});

describe('what may change', () => {
  it('changes nothing when nothing differs, and sees each field that does', () => {
    expect(changesOf(current, same)).toEqual({ ok: true, value: { profile: null, active: null } });
    expect(changesOf(current, { ...same, roles: [] })).toEqual({ ok: true, value: { profile: null, active: null } });
    expect(changesOf(current, { ...same, title: 'Sister', active: false })).toEqual({
      ok: true,
      value: {
        profile: { displayName: 'Ade Bello', title: 'Sister', department: 'Ward 4', externalId: 'e-1' },
        active: false,
      },
    });
    expect(changesOf(current, { ...same, externalId: null })).toMatchObject({
      value: { profile: { externalId: null } },
    });
  });

  it('never renames, never changes a role, never touches an IT admin', () => {
    expect(changesOf(current, { ...same, userId: 'nurse.bello' })).toMatchObject({ scimType: 'mutability' });
    expect(changesOf(current, { ...same, roles: ['physician'] })).toMatchObject({ scimType: 'mutability' });
    expect(changesOf(current, { ...same, roles: ['nurse', 'physician'] })).toMatchObject({ scimType: 'mutability' });
    expect(changesOf(current, { ...same, roles: ['it-admin'] })).toMatchObject({ error: 403 });
    const admin = { ...current, account: { ...current.account, role: 'it-admin' as const } };
    expect(changesOf(admin, { ...same, roles: [] })).toMatchObject({ error: 403 });
  });
});

describe('a PATCH', () => {
  const user = scimUserOf(current, 'https://wardline.example');
  const operations = (body: unknown) => scimPatchRequest.parse(body).Operations;
  const patch = (ops: unknown[]) =>
    patchedUser(user, operations({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: ops }));

  it("applies Entra ID's operations: capitalised ops, string booleans, the extension's paths", () => {
    const result = patch([
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Replace', path: 'title', value: 'Sister' },
      { op: 'Replace', path: `${ENTERPRISE_USER_SCHEMA}:department`, value: 'Ward 9' },
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'ade@stmarys.example' },
      { op: 'Replace', path: 'name.familyName', value: 'Bello-Cole' },
    ]);
    expect(result.ok).toBe(true);
    const patched = desiredUserOf(scimUserInput.parse(result.ok ? result.value : null));
    expect(patched).toMatchObject({
      ok: true,
      value: { active: false, title: 'Sister', department: 'Ward 9', displayName: 'Ade Bello' },
    });
  });

  it('takes the extension as a whole, as a path or as a key of a value without one, in any case', () => {
    for (const op of [
      { op: 'replace', path: ENTERPRISE_USER_SCHEMA, value: { department: 'Ward 9' } },
      { op: 'replace', value: { [ENTERPRISE_USER_SCHEMA]: { department: 'Ward 9' } } },
      { op: 'replace', value: { [`${ENTERPRISE_USER_SCHEMA}:Department`]: 'Ward 9' } },
    ]) {
      const result = patch([op]);
      expect(result.ok ? (result.value as Record<string, unknown>)[ENTERPRISE_USER_SCHEMA] : result).toEqual({
        department: 'Ward 9',
      });
    }
    expect(patch([{ op: 'replace', path: 'DisplayName', value: 'Ade B.' }])).toMatchObject({
      value: { displayName: 'Ade B.' },
    });
  });

  it('refuses paths no schema names, and anything that would walk into a prototype', () => {
    for (const path of [
      'constructor.prototype.polluted',
      '__proto__.polluted',
      'name.constructor',
      'name.__proto__',
      'toString',
      'shoeSize',
      'urn:example:other:2.0:User:department',
      'name.givenName.extra',
      `${ENTERPRISE_USER_SCHEMA}:salary`,
    ])
      expect(canonicalPath(path), path).toBeNull();
    expect(canonicalPath('urn:ietf:params:scim:schemas:core:2.0:User:Title')).toBe('title');
    expect(canonicalPath('emails[type eq "work"].value')).toBe('emails[type eq "work"].value');
    for (const ops of [
      [{ op: 'replace', path: 'constructor.prototype.polluted', value: 'yes' }],
      [{ op: 'replace', value: { 'constructor.prototype.polluted': 'yes' } }],
      [{ op: 'add', value: { name: 'x', 'emails[type eq "work"].value': 'yes' } }],
      [{ op: 'remove' }],
    ])
      expect(patch(ops), JSON.stringify(ops)).toMatchObject({ ok: false, error: 400 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('says noTarget for a replace of entries a filter matches none of, never quoting the request', () => {
    const withEmail = { ...user, emails: [{ type: 'work', value: 'a@b' }] };
    const result = patchedUser(
      withEmail,
      operations({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'zanele@home' } }],
      }),
    );
    expect(result).toMatchObject({ ok: false, scimType: 'noTarget' });
    expect(JSON.stringify(result)).not.toContain('home');
    // A sub-attribute of an entry not there yet is added, as Entra ID expects (RFC 7644 §3.5.2.3's "add").
    const added = patchedUser(
      withEmail,
      operations({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', path: 'emails[type eq "home"].value', value: 'z@home' }],
      }),
    );
    expect(added).toMatchObject({ ok: true, value: { emails: [{ type: 'work' }, { type: 'home', value: 'z@home' }] } });
  });

  it('is refused without the PatchOp schema, with an unknown op, or with too many operations', () => {
    const base = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] };
    expect(scimPatchRequest.safeParse({ Operations: [{ op: 'add', path: 'title', value: 'x' }] }).success).toBe(false);
    expect(scimPatchRequest.safeParse({ ...base, Operations: [{ op: 'move', path: 'title' }] }).success).toBe(false);
    const many = Array.from({ length: 51 }, () => ({ op: 'replace', path: 'title', value: 'x' }));
    expect(scimPatchRequest.safeParse({ ...base, Operations: many }).success).toBe(false);
    expect(scimPatchRequest.safeParse({ ...base, Operations: many.slice(1) }).success).toBe(true);
  });
});

describe('the filter', () => {
  it('answers userName eq, in any case of the attribute, with the id lower-cased', () => {
    expect(userQueryOf(undefined)).toEqual({ ok: true, value: { kind: 'all' } });
    expect(userQueryOf('userName eq "Nurse.Ade"')).toEqual({
      ok: true,
      value: { kind: 'userName', userName: 'nurse.ade' },
    });
    expect(userQueryOf('USERNAME Eq "x"')).toMatchObject({ ok: true, value: { userName: 'x' } });
    expect(userQueryOf(`${USER_SCHEMA}:userName eq "x"`)).toMatchObject({ ok: true });
  });

  it('refuses every other expression as invalidFilter', () => {
    for (const filter of [
      'userName ne "x"',
      'userName eq 1',
      'displayName eq "x"',
      'externalId eq "x"',
      'userName eq "a" and active eq true',
      'not (userName eq "a")',
      'emails[type eq "work"]',
      'userName eq',
      '((((',
    ])
      expect(userQueryOf(filter), filter).toMatchObject({ ok: false, error: 400, scimType: 'invalidFilter' });
  });
});
