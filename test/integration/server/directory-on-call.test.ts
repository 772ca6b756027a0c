/**
 * The directory's answer for a role address says who is on call now (api.ts directoryRole
 * `onCall`): the shifts covering the server's clock, two during a handover, none outside the
 * rota, never someone deactivated, and a backup no longer active as none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryRole } from '../../../shared/protocol/api';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  createUser,
  HOOK_TIMEOUT_MS,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const ADDRESS = 'role:oncall-cardiology';
const HOUR = 3_600_000;

describe.each(BACKENDS)('who is on call, in the directory, on %s', (backend) => {
  let target: TestServer;
  let admin: TestUser;
  let nurse: TestUser;
  let start: number;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
    for (const [userId, displayName] of [
      ['dr.patel', 'Anika Patel'],
      ['dr.nguyen', 'Minh Nguyen'],
      ['dr.okafor', 'Chidi Okafor'],
    ] as const)
      await createUser(target, { userId, displayName, role: 'physician' });
    for (const user of [admin, nurse]) await signIn(target, user);
    await target.server.admin.createRoleAddress({
      addressId: ADDRESS,
      displayName: 'On-call cardiology',
      department: 'Cardiology',
      description: '',
      members: ['dr.patel', 'dr.nguyen', 'dr.okafor'],
    });
    start = target.clock.now();
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const onCall = async (): Promise<DirectoryRole['onCall']> => {
    const found = await target.api.ok('searchDirectory', { query: 'on-call cardiology', limit: 10 }, token(nurse));
    const role = found.entries.find((entry): entry is DirectoryRole => entry.kind === 'role');
    if (role === undefined) throw new Error('the role address is not listed');
    return role.onCall;
  };
  /** Time passes on the server's clock; sessions do not last that long, so both sign in again. */
  const later = async (ms: number) => {
    target.clock.advance(ms);
    for (const user of [admin, nurse]) await signIn(target, user);
  };
  const add = (userId: string, backupUserId: string | null, from: number, to: number) =>
    target.api.ok(
      'adminAddShift',
      { addressId: ADDRESS, userId, backupUserId, startsAt: from, endsAt: to },
      token(admin),
    );

  it('is empty while no shift covers now', async () => {
    expect(await onCall()).toEqual([]);
    await add('dr.patel', 'dr.nguyen', start + HOUR, start + 12 * HOUR);
    expect(await onCall()).toEqual([]);
  });

  it('names the person on call and their backup, then both shifts during a handover, by start', async () => {
    await add('dr.okafor', 'dr.patel', start + 11 * HOUR, start + 23 * HOUR);
    await later(2 * HOUR);
    expect(await onCall()).toEqual([{ userId: 'dr.patel', backupUserId: 'dr.nguyen', endsAt: start + 12 * HOUR }]);
    await later(9.5 * HOUR);
    expect(await onCall()).toEqual([
      { userId: 'dr.patel', backupUserId: 'dr.nguyen', endsAt: start + 12 * HOUR },
      { userId: 'dr.okafor', backupUserId: 'dr.patel', endsAt: start + 23 * HOUR },
    ]);
    await later(HOUR);
    expect(await onCall()).toEqual([{ userId: 'dr.okafor', backupUserId: 'dr.patel', endsAt: start + 23 * HOUR }]);
  });

  it('never names someone deactivated: a backup reads as none, a person on call as no shift', async () => {
    await target.server.admin.deactivate('dr.patel');
    expect(await onCall()).toEqual([{ userId: 'dr.okafor', backupUserId: null, endsAt: start + 23 * HOUR }]);
    await target.server.admin.deactivate('dr.okafor');
    expect(await onCall()).toEqual([]);
  });
});
