/**
 * The directory: search over people and role addresses (case-insensitive, by name, role,
 * department and title; inactive people never appear), key lookup, publishing identity keys
 * with a fingerprint the client can recompute, and the identity record coming back at sign-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  generateIdentityKeys,
  publicKeysOf,
  unwrapIdentityKeys,
} from '../../../main/crypto/identity-keys';
import type { DirectoryEntry } from '../../../shared/protocol/api';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  clientKeys,
  createUser,
  newDevice,
  publishIdentity,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
  HOOK_TIMEOUT_MS,
} from '../../support/server-fixtures';

const postgres = usePostgres();

const names = (entries: readonly DirectoryEntry[]) =>
  entries.map((entry) => (entry.kind === 'user' ? entry.userId : entry.addressId));

describe.each(BACKENDS)('directory on %s', (backend) => {
  let target: TestServer;
  let adams: TestUser;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    const people = [
      {
        userId: 'nurse.adams',
        displayName: 'Grace Adams',
        role: 'nurse',
        department: 'Cardiology Ward 4B',
        title: 'Registered Nurse',
      },
      {
        userId: 'nurse.okafor',
        displayName: 'Chidi Okafor',
        role: 'nurse',
        department: 'Emergency Department',
        title: 'Charge Nurse',
      },
      {
        userId: 'dr.patel',
        displayName: 'Dr. Anika Patel',
        role: 'physician',
        department: 'Cardiology',
        title: 'Consultant Cardiologist',
      },
      {
        userId: 'dr.nguyen',
        displayName: 'Dr. Minh Nguyen',
        role: 'physician',
        department: 'Cardiology',
        title: '50% Registrar',
      },
      {
        userId: 'dr.retired',
        displayName: 'Dr. Old Cardiology',
        role: 'physician',
        department: 'Cardiology',
        title: 'Emeritus',
      },
      {
        userId: 'frontdesk.lopez',
        displayName: 'Maria Lopez',
        role: 'front-desk',
        department: 'Outpatient Reception',
        title: 'Front Desk Coordinator',
      },
    ] as const;
    const users = await Promise.all(people.map((person) => createUser(target, person)));
    adams = users[0]!;
    await target.server.admin.createRoleAddress({
      addressId: 'role:oncall-cardiology',
      displayName: 'On-call cardiology',
      department: 'Cardiology',
      description: 'The cardiology physicians on call',
      members: ['dr.patel', 'dr.nguyen', 'dr.retired'],
    });
    await target.server.admin.deactivate('dr.retired');
    await signIn(target, adams);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const search = async (query: string, limit = 50) =>
    (await target.api.ok('searchDirectory', { query, limit }, token(adams))).entries;

  it('finds people by name, role, department and title, whatever the case', async () => {
    expect(names(await search('okafor'))).toEqual(['nurse.okafor']);
    expect(names(await search('NURSE')).sort()).toEqual(['nurse.adams', 'nurse.okafor']);
    expect(names(await search('emergency'))).toEqual(['nurse.okafor']);
    expect(names(await search('front desk coord'))).toEqual(['frontdesk.lopez']);
    expect(names(await search('  patel  '))).toEqual(['dr.patel']);
    const [patel] = await search('anika');
    expect(patel).toEqual({
      kind: 'user',
      userId: 'dr.patel',
      displayName: 'Dr. Anika Patel',
      role: 'physician',
      department: 'Cardiology',
      title: 'Consultant Cardiologist',
      active: true,
      fingerprint: null,
      availability: null,
    });
  });

  it('finds the role address with its current, active members', async () => {
    const entries = await search('on-call');
    expect(entries).toHaveLength(1);
    const role = entries[0];
    if (role?.kind !== 'role') throw new Error('expected the role address');
    expect(role.addressId).toBe('role:oncall-cardiology');
    expect(role.displayName).toBe('On-call cardiology');
    expect(role.members.map((member) => member.userId).sort()).toEqual(['dr.nguyen', 'dr.patel']);
    // Role addresses first, then people by display name.
    expect(names(await search('cardiology'))).toEqual([
      'role:oncall-cardiology',
      'dr.patel',
      'dr.nguyen',
      'nurse.adams',
    ]);
  });

  it('never lists a deactivated person, and treats % and _ as themselves', async () => {
    expect(await search('emeritus')).toEqual([]);
    expect(names(await search('50%'))).toEqual(['dr.nguyen']);
    expect(await search('5_%')).toEqual([]);
    expect(names(await search('', 3))).toHaveLength(3);
  });

  it('refuses a search without a session or with a bad limit', async () => {
    expect(await target.api.refused('searchDirectory', { query: 'adams', limit: 5 })).toEqual({
      status: 401,
      body: { error: 'UNAUTHENTICATED' },
    });
    expect(await target.api.refused('searchDirectory', { query: 'adams', limit: 500 }, token(adams))).toEqual({
      status: 400,
      body: { error: 'MALFORMED_REQUEST' },
    });
  });

  it('publishes identity keys with the fingerprint the client computes, returned at the next sign-in anywhere', async () => {
    const fingerprint = await publishIdentity(target, adams);
    const keys = adams.identity!;
    expect(fingerprint).toBe(await fingerprintOf(publicKeysOf(keys)));
    const [found] = await search('grace');
    expect(found).toMatchObject({ userId: 'nurse.adams', fingerprint });

    const looked = await target.api.ok(
      'lookupKeys',
      { userIds: ['nurse.adams', 'dr.patel', 'nobody.at.all'] },
      token(adams),
    );
    expect(looked.users.map((entry) => [entry.user.userId, entry.publicKeys])).toEqual([
      ['dr.patel', null],
      ['nurse.adams', publicKeysOf(keys)],
    ]);

    // Another workstation: the session carries the identity, and the password's wrap key opens it.
    adams.device = await newDevice('Emergency department PC');
    const session = await signIn(target, adams);
    expect(session.identity).toEqual({
      publicKeys: publicKeysOf(keys),
      wrappedPrivateKeys: expect.any(String) as unknown,
      fingerprint,
    });
    const { salt, kdf } = await target.api.ok('prelogin', { userId: adams.userId });
    const opened = await unwrapIdentityKeys(
      session.identity!.wrappedPrivateKeys,
      session.identity!.publicKeys,
      (await clientKeys(adams.password, salt, kdf)).wrapKey,
    );
    expect(opened && Buffer.from(opened.signing.publicKey).equals(Buffer.from(keys.signing.publicKey))).toBe(true);
  });

  it('refuses public keys that are not canonical base64', async () => {
    const keys = publicKeysOf(await generateIdentityKeys());
    // 32 bytes end in one base64 character with two spare bits: set one of them.
    const last = keys.signing.at(-2)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const twin = `${keys.signing.slice(0, -2)}${alphabet[alphabet.indexOf(last) ^ 1]!}=`;
    expect(Buffer.from(twin, 'base64').equals(Buffer.from(keys.signing, 'base64'))).toBe(true);
    const refused = await target.api.refused(
      'publishIdentity',
      { publicKeys: { ...keys, signing: twin }, wrappedPrivateKeys: Buffer.alloc(64).toString('base64') },
      token(adams),
    );
    expect(refused).toEqual({ status: 400, body: { error: 'MALFORMED_REQUEST' } });
  });
});
