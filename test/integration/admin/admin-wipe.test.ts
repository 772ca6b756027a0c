/**
 * Remote wipe from the Administration view's channels (main/admin/admin-wipe.ts), through the real
 * core's router and a real server: the admin wipes a workstation named by machine policy
 * (`workstationName`), typing a name the server checks; the workstation carries it out and the
 * channel reads the command back queued, then done, with who asked. A stale or wrong name is
 * refused with its own code and queues nothing; the admin's own workstation and own data are
 * refused in main; a person's wipe is queued on every workstation they used. Role refusal for
 * every channel is in admin-console.test.ts; the workstation's side of a wipe in
 * test/integration/device/remote-wipe.test.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaultsRoot } from '../../../main/vault/vault-layout';
import { DEFAULT_ACCOUNT_KDF } from '../../../server/server';
import {
  createUser,
  freshTotpCode,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';
import { createWorkstation, eventually, type Workstation } from '../../support/workstation';

const WARD_NAME = 'Ward 7 nurses station';

let target: TestServer;
let admin: TestUser;
let nurse: TestUser;
let office: Workstation;
let ward: Workstation;

async function signInAt(station: Workstation, user: TestUser): Promise<void> {
  const first = await station.call('session.signIn', { userId: user.userId, password: user.password });
  expect(first).toEqual({ ok: true, value: { step: 'mfa' } });
  const second = await station.call('session.verifyMfa', { code: freshTotpCode(target, user) });
  expect(second.ok && second.value.state).toBe('unlocked');
}

async function wardRow() {
  const listed = await office.call('admin.listWorkstations', { after: null });
  if (!listed.ok) throw new Error(listed.error.code);
  const row = listed.value.workstations.find((candidate) => candidate.name === WARD_NAME);
  if (row === undefined) throw new Error('the ward workstation is not listed');
  return row;
}

const vaultsOn = (station: Workstation) =>
  existsSync(vaultsRoot(station.dataDir)) ? readdirSync(vaultsRoot(station.dataDir)) : [];

beforeAll(async () => {
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
  nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
  const endpoint = { url: target.server.url, caPem: target.caPem };
  office = createWorkstation(endpoint, { policy: { workstationName: 'IT service desk 2' } });
  ward = createWorkstation(endpoint, { policy: { workstationName: WARD_NAME } });
  await signInAt(office, admin);
  await signInAt(ward, nurse);
}, 60_000);

afterAll(async () => {
  await Promise.all([office.close(), ward.close()]);
  await target.dispose();
}, 60_000);

describe('wiping from the Administration view', () => {
  it('lists the workstation by the name machine policy gives it', async () => {
    expect(await wardRow()).toMatchObject({
      name: WARD_NAME,
      thisWorkstation: false,
      lastUser: { userId: 'nurse.adams' },
    });
  });

  it("refuses the admin's own workstation and own data in main, queuing nothing", async () => {
    const listed = await office.call('admin.listWorkstations', { after: null });
    if (!listed.ok) throw new Error(listed.error.code);
    const here = listed.value.workstations.find((row) => row.thisWorkstation);
    if (here === undefined) throw new Error('this workstation is not listed');
    expect(
      await office.call('admin.wipeWorkstation', { deviceId: here.deviceId, confirmName: 'IT service desk 2' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_PERMITTED' } });
    expect(await office.call('admin.wipePerson', { userId: admin.userId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_PERMITTED' },
    });
    expect(await office.call('admin.workstationCommands', { deviceId: here.deviceId })).toEqual({
      ok: true,
      value: { deviceName: 'IT service desk 2', commands: [] },
    });
  });

  it('refuses a name that is not the workstation’s with its own code, and queues nothing', async () => {
    const { deviceId } = await wardRow();
    expect(
      await office.call('admin.wipeWorkstation', { deviceId, confirmName: 'Ward 8 nurses station' }),
    ).toMatchObject({ ok: false, error: { code: 'CONFIRMATION_MISMATCH' } });
    expect(await office.call('admin.workstationCommands', { deviceId })).toMatchObject({
      ok: true,
      value: { commands: [] },
    });
  });

  it('queues a wipe, which the running workstation carries out, and reads it back done with who asked', async () => {
    const { deviceId } = await wardRow();
    expect(vaultsOn(ward)).toHaveLength(1);
    const queued = await office.call('admin.wipeWorkstation', { deviceId, confirmName: WARD_NAME });
    if (!queued.ok) throw new Error(queued.error.code);
    expect(queued.value.command).toMatchObject({ deviceId, kind: 'wipe-workstation', issuedBy: admin.userId });
    const done = await eventually(
      async () => {
        const read = await office.call('admin.workstationCommands', { deviceId });
        if (!read.ok) throw new Error(read.error.code);
        return read.value.commands;
      },
      (commands) => commands[0]?.state === 'done',
    );
    expect(done).toEqual([
      expect.objectContaining({
        commandId: queued.value.command.commandId,
        outcome: 'wiped',
        auditSynced: true,
        deliveredAt: expect.any(Number) as number,
        doneAt: expect.any(Number) as number,
      }),
    ]);
    expect(vaultsOn(ward)).toEqual([]);
    expect(ward.core.session.state()).toEqual({ state: 'signed-out', reason: 'workstation-wiped' });
    // Listed as wiped from the time it said so: its key is gone.
    const listed = await office.call('admin.listWorkstations', { after: null });
    if (!listed.ok) throw new Error(listed.error.code);
    expect(listed.value.workstations.find((row) => row.deviceId === deviceId)?.wipedAt).toBe(done[0]?.doneAt);
  });

  it("queues a person's wipe on every workstation they signed in at", async () => {
    // The nurse signs in again at the wiped workstation: a new device, a new vault.
    await signInAt(ward, nurse);
    const wiped = await office.call('admin.wipePerson', { userId: nurse.userId });
    if (!wiped.ok) throw new Error(wiped.error.code);
    // The first registration (wiped) and the new one.
    expect(wiped.value.workstations).toBe(2);
    expect(
      wiped.value.commands.every((command) => command.kind === 'wipe-user' && command.userId === nurse.userId),
    ).toBe(true);
    await eventually(
      () => Promise.resolve(vaultsOn(ward)),
      (vaults) => vaults.length === 0,
    );
    // Her panel lists both, the most recent first: the new registration, and the wiped one.
    const used = await office.call('admin.personWorkstations', { userId: nurse.userId });
    if (!used.ok) throw new Error(used.error.code);
    expect(used.value.workstations.map((row) => [row.name, row.wipedAt === null])).toEqual([
      [WARD_NAME, true],
      [WARD_NAME, false],
    ]);
    expect(await office.call('admin.personWorkstations', { userId: 'nobody.here' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await office.call('admin.wipePerson', { userId: 'nobody.here' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});
