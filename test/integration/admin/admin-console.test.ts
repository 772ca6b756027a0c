/**
 * Main's Administration console (main/admin/admin-console.ts) through the real core's router and
 * a real server: every admin channel (new people, codes and resets, role addresses and
 * workstations included) refuses every other role (and nobody signed in, and a locked
 * session) before main asks the server; a destructive action whose proof has aged answers
 * REAUTHENTICATION_REQUIRED as a typed code; re-authentication refuses a wrong password or code
 * with its code and lets the action through with the right ones; the keys it derives are zeroed;
 * and the admin's actions come back from the server's chain as their recent actions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminConsole } from '../../../main/admin/admin-console';
import { derivePasswordKeys, type PasswordKeys } from '../../../main/keys/password-kdf';
import { createLogger } from '../../../main/logging/logger';
import { createApiClient } from '../../../main/server-link/api-client';
import type { ServerEndpoint } from '../../../main/server-link/server-endpoint';
import { DEFAULT_ACCOUNT_KDF } from '../../../server/server';
import { adminChannels, type AdminChannelName } from '../../../shared/ipc/admin-channels';
import type { RequestOf } from '../../../shared/ipc/contract';
import { REAUTHENTICATION_WINDOW_MS } from '../../../shared/protocol/route-spec';
import {
  createUser,
  freshTotpCode,
  signIn as apiSignIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';
import { createWorkstation, eventually, type Workstation } from '../../support/workstation';

let target: TestServer;
let endpoint: ServerEndpoint;
let admin: TestUser;
let nurse: TestUser;
let others: TestUser[];
let office: Workstation;
let ward: Workstation;

/** A valid request for every admin channel: the router must refuse each for its role, not its shape. */
const REQUESTS: { readonly [C in AdminChannelName]: RequestOf<C> } = {
  'admin.searchPeople': { query: '', after: null },
  'admin.listSessions': { userId: 'nurse.adams' },
  'admin.deactivate': { userId: 'nurse.adams' },
  'admin.reactivate': { userId: 'nurse.adams' },
  'admin.unlock': { userId: 'nurse.adams' },
  'admin.setDepartmentLead': { userId: 'nurse.adams', lead: true },
  'admin.endSessions': { userId: 'nurse.adams' },
  'admin.endSession': { userId: 'nurse.adams', sessionId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10' },
  'admin.createPerson': {
    userId: 'nurse.new',
    displayName: 'New Nurse',
    role: 'it-admin',
    department: 'Ward 2',
    title: 'Staff Nurse',
  },
  'admin.issueEnrollmentCode': { userId: 'nurse.adams' },
  'admin.resetAuthenticator': { userId: 'nurse.adams' },
  'admin.resetPassword': { userId: 'nurse.adams' },
  'admin.searchRoleAddresses': { query: '', after: null },
  'admin.getRoleAddress': { addressId: 'role:night-pharmacy' },
  'admin.createRoleAddress': {
    addressId: 'role:night-pharmacy',
    displayName: 'Night pharmacy',
    department: '',
    description: '',
  },
  'admin.updateRoleAddress': {
    addressId: 'role:night-pharmacy',
    displayName: 'Night pharmacy',
    department: 'Pharmacy',
    description: '',
  },
  'admin.addRoleMember': { addressId: 'role:night-pharmacy', userId: 'nurse.adams' },
  'admin.removeRoleMember': { addressId: 'role:night-pharmacy', userId: 'nurse.adams' },
  'admin.setRoleEscalation': {
    addressId: 'role:night-pharmacy',
    escalation: { repeatEveryMs: null, backupAfterMs: 300_000, everyoneAfterMs: 600_000 },
  },
  'admin.setRoleRetention': { addressId: 'role:night-pharmacy', retentionDays: 90 },
  'admin.listShifts': { addressId: 'role:night-pharmacy', from: 0, to: 3_600_000, after: null },
  'admin.addShift': {
    addressId: 'role:night-pharmacy',
    userId: 'nurse.adams',
    backupUserId: null,
    startsAt: 0,
    endsAt: 3_600_000,
  },
  'admin.updateShift': {
    addressId: 'role:night-pharmacy',
    shiftId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10',
    userId: 'nurse.adams',
    backupUserId: null,
    startsAt: 0,
    endsAt: 3_600_000,
  },
  'admin.deleteShift': { addressId: 'role:night-pharmacy', shiftId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10' },
  'admin.importShifts': { addressId: 'role:night-pharmacy', format: 'csv', text: 'start,end,person\n', dryRun: true },
  'admin.listWorkstations': { after: null },
  'admin.revokeWorkstation': { deviceId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10' },
  'admin.wipeWorkstation': { deviceId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10', confirmName: 'Ward 7' },
  'admin.wipePerson': { userId: 'nurse.adams' },
  'admin.workstationCommands': { deviceId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10' },
  'admin.personWorkstations': { userId: 'nurse.adams' },
  'admin.listTemplates': { after: null },
  'admin.createTemplate': {
    name: 'Transport',
    body: 'Bed {bed:number} is ready.',
    audience: { roles: ['front-desk'], departments: [] },
  },
  'admin.updateTemplate': {
    templateId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10',
    version: 1,
    name: 'Transport',
    body: 'Bed {bed:number} is ready.',
    audience: { roles: [], departments: [] },
  },
  'admin.setTemplateRetired': { templateId: '6f1c1a52-8d2e-4a36-9a53-2f1e0f4d1b10', version: 1, retired: true },
  'admin.recentActions': { before: null },
  'admin.reauthenticate': { password: 'a guess', code: '123456' },
};
const CHANNELS = Object.keys(adminChannels) as AdminChannelName[];

async function signInAt(station: Workstation, user: TestUser): Promise<void> {
  const first = await station.call('session.signIn', { userId: user.userId, password: user.password });
  expect(first).toEqual({ ok: true, value: { step: 'mfa' } });
  const second = await station.call('session.verifyMfa', { code: freshTotpCode(target, user) });
  expect(second.ok && second.value.state).toBe('unlocked');
}

beforeAll(async () => {
  // The workstation's KDF floor is the production cost: accounts get it too.
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  endpoint = { url: target.server.url, caPem: target.caPem };
  admin = await createUser(target, {
    userId: 'it.schmidt',
    displayName: 'Jonas Schmidt',
    role: 'it-admin',
    department: 'IT',
    title: 'Service desk',
  });
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
  others = [
    nurse,
    await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' }),
    await createUser(target, { userId: 'desk.morgan', displayName: 'Rhys Morgan', role: 'front-desk' }),
    await createUser(target, { userId: 'compliance.reed', displayName: 'Ada Reed', role: 'compliance-officer' }),
  ];
  // On real time: only the server's clock moves (past the re-authentication window), after every sign-in here.
  office = createWorkstation(endpoint);
  ward = createWorkstation(endpoint);
}, 60_000);

afterAll(async () => {
  await Promise.all([office.close(), ward.close()]);
  await target.dispose();
}, 60_000);

describe('who may use the admin channels', () => {
  it('refuses every admin channel with nobody signed in', async () => {
    for (const channel of CHANNELS)
      expect(await ward.call(channel, REQUESTS[channel] as never), channel).toMatchObject({
        ok: false,
        error: { code: 'NOT_SIGNED_IN' },
      });
  });

  it('refuses every admin channel to nurses, physicians, front desk and compliance officers', async () => {
    for (const user of others) {
      await signInAt(ward, user);
      for (const channel of CHANNELS)
        expect(await ward.call(channel, REQUESTS[channel] as never), `${user.userId} ${channel}`).toMatchObject({
          ok: false,
          error: { code: 'NOT_PERMITTED' },
        });
      expect((await ward.call('session.signOut', {})).ok).toBe(true);
    }
    // Nothing reached the server: nobody was deactivated, unlocked, signed out, created or reset,
    // no code issued, no role address made and no workstation revoked by these calls.
    expect(await target.server.admin.accountEvents('nurse.adams')).toEqual([]);
    // (The five accounts this file made through the server's own API are the only admin events.)
    expect((await target.server.admin.adminEvents()).map((event) => event.action)).toEqual(
      Array.from({ length: 5 }, () => 'account.created'),
    );
  }, 120_000);
});

describe("the IT admin's console", () => {
  it('finds people a page at a time, with their state, and lists a live session by workstation', async () => {
    await signInAt(office, admin);
    await apiSignIn(target, nurse);
    const everyone = await office.call('admin.searchPeople', { query: '', after: null });
    if (!everyone.ok) throw new Error(everyone.error.code);
    expect(everyone.value.people.map((person) => person.userId)).toEqual([
      'compliance.reed',
      'desk.morgan',
      'dr.patel',
      'it.schmidt',
      'nurse.adams',
    ]);
    expect(everyone.value.more).toBe(false);
    const after = await office.call('admin.searchPeople', { query: '', after: 'dr.patel' });
    expect(after.ok && after.value.people.map((person) => person.userId)).toEqual(['it.schmidt', 'nurse.adams']);
    const byName = await office.call('admin.searchPeople', { query: '  ADAMS ', after: null });
    if (!byName.ok) throw new Error(byName.error.code);
    expect(byName.value.people).toEqual([
      expect.objectContaining({ userId: 'nurse.adams', displayName: 'Grace Adams', active: true, locked: false }),
    ]);
    const sessions = await office.call('admin.listSessions', { userId: 'nurse.adams' });
    if (!sessions.ok) throw new Error(sessions.error.code);
    expect(sessions.value.sessions).toEqual([
      expect.objectContaining({ sessionId: nurse.session?.sessionId, deviceName: nurse.device.name }),
    ]);
    expect(await office.call('admin.listSessions', { userId: 'nobody.here' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('asks for the password and code again once the proof is five minutes old, refuses wrong ones by code, and lets the action through after the right ones', async () => {
    target.clock.advance(REAUTHENTICATION_WINDOW_MS + 1000);
    const stale = await office.call('admin.deactivate', { userId: 'nurse.adams' });
    expect(stale).toMatchObject({ ok: false, error: { code: 'REAUTHENTICATION_REQUIRED' } });
    // Not destructive: no fresh proof needed.
    expect(await office.call('admin.unlock', { userId: 'dr.patel' })).toEqual({
      ok: true,
      value: { wasLocked: false },
    });

    const wrongPassword = await office.call('admin.reauthenticate', {
      password: `${admin.password}x`,
      code: freshTotpCode(target, admin),
    });
    expect(wrongPassword).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
    const wrongCode = await office.call('admin.reauthenticate', { password: admin.password, code: '000000' });
    expect(wrongCode).toMatchObject({ ok: false, error: { code: 'MFA_INVALID' } });
    expect(await office.call('admin.deactivate', { userId: 'nurse.adams' })).toMatchObject({
      ok: false,
      error: { code: 'REAUTHENTICATION_REQUIRED' },
    });

    const proved = await office.call('admin.reauthenticate', {
      password: admin.password,
      code: freshTotpCode(target, admin),
    });
    expect(proved).toEqual({ ok: true, value: {} });
    expect(await office.call('admin.deactivate', { userId: 'nurse.adams' })).toEqual({
      ok: true,
      value: { sessionsEnded: 1 },
    });
    expect((await target.api.refused('listSessions', {}, token(nurse))).status).toBe(401);
    const found = await office.call('admin.searchPeople', { query: 'nurse.adams', after: null });
    expect(found.ok && found.value.people[0]).toMatchObject({ active: false, liveSessions: 0 });
    expect(await office.call('admin.reactivate', { userId: 'nurse.adams' })).toEqual({ ok: true, value: {} });
    // Never the admin signed in here: main refuses before asking.
    expect(await office.call('admin.deactivate', { userId: admin.userId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_PERMITTED' },
    });
  });

  it("answers the admin's own actions from the server's chain, newest first", async () => {
    const recent = await eventually(
      async () => {
        const answer = await office.call('admin.recentActions', { before: null });
        if (!answer.ok) throw new Error(answer.error.code);
        return answer.value;
      },
      (value) => value.entries.length >= 3,
    );
    expect(recent.entries.map((entry) => [entry.reason, entry.object])).toEqual([
      ['ACCOUNT_REACTIVATED', { kind: 'account', id: 'nurse.adams' }],
      ['ACCOUNT_DEACTIVATED', { kind: 'account', id: 'nurse.adams' }],
      ['ACCOUNT_UNLOCKED', { kind: 'account', id: 'dr.patel' }],
    ]);
    const older = await office.call('admin.recentActions', { before: recent.entries[1]?.treeIndex ?? 0 });
    expect(older.ok && older.value.entries.map((entry) => entry.reason)).toEqual(['ACCOUNT_UNLOCKED']);
  });

  it('refuses the admin channels while the session is locked', async () => {
    expect((await office.call('session.lock', {})).ok).toBe(true);
    expect(await office.call('admin.searchPeople', { query: '', after: null })).toMatchObject({
      ok: false,
      error: { code: 'NOT_SIGNED_IN' },
    });
    expect((await office.call('session.unlock', { password: admin.password })).ok).toBe(true);
  });
});

describe('re-authentication in main', () => {
  /** A console of its own over a real client, with the admin's API session and a derive that keeps what it made. */
  async function consoleWith(kdfFloor = { memoryMiB: 64, passes: 3 }) {
    const session = await apiSignIn(target, admin);
    const derived: PasswordKeys[] = [];
    const api = createApiClient(endpoint);
    const adminConsole = createAdminConsole({
      api,
      token: () => session.token,
      userId: () => admin.userId,
      deviceId: () => null,
      derive: async (password, salt, params) => {
        const keys = await derivePasswordKeys(password, salt, params);
        derived.push(keys);
        return keys;
      },
      kdfFloor,
      logger: createLogger({ level: 'silent' }),
    });
    return { adminConsole, derived, close: () => api.close() };
  }
  const zeroed = (keys: PasswordKeys) => keys.authKey.every((b) => b === 0) && keys.wrapKey.every((b) => b === 0);

  it('zeroes the keys it derived, whether the server accepts them or not', async () => {
    const { adminConsole, derived, close } = await consoleWith();
    try {
      const refused = await adminConsole['admin.reauthenticate'](
        { password: 'not the password', code: freshTotpCode(target, admin) },
        { role: 'it-admin' },
      );
      expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
      const accepted = await adminConsole['admin.reauthenticate'](
        { password: admin.password, code: freshTotpCode(target, admin) },
        { role: 'it-admin' },
      );
      expect(accepted).toEqual({ ok: true, value: {} });
      expect(derived).toHaveLength(2);
      expect(derived.every(zeroed)).toBe(true);
    } finally {
      close();
    }
  });

  it('refuses a server that asks for a cheaper derivation than policy allows, deriving nothing', async () => {
    const { adminConsole, derived, close } = await consoleWith({ memoryMiB: 128, passes: 3 });
    try {
      const refused = await adminConsole['admin.reauthenticate'](
        { password: admin.password, code: freshTotpCode(target, admin) },
        { role: 'it-admin' },
      );
      expect(refused).toMatchObject({ ok: false, error: { code: 'KDF_TOO_WEAK' } });
      expect(derived).toEqual([]);
    } finally {
      close();
    }
  });
});
