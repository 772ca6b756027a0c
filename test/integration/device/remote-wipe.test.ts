/**
 * Remote wipe end to end: the real workstation core (main/core/app-core.ts) against a real server,
 * an IT admin queuing wipes through the admin API. A running workstation hears of its wipe over
 * the stream, signs its clinician out saying why, shreds every vault, gets its audit records to
 * the server and only then shreds the audit log's key, and reports; the trail says who wiped
 * what. A workstation that was off when IT wiped it does it at its next start, and keeps its
 * audit log when the records cannot reach the server. A person's wipe takes their vault only.
 * A command the server's audit key did not sign for this workstation is refused.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceLogFile } from '../../../main/audit/device-audit-log';
import { readWitnessedHead } from '../../../main/audit/witnessed-head-file';
import { deviceIdentityFile } from '../../../main/device/device-identity';
import { vaultIdOf, vaultsRoot } from '../../../main/vault/vault-layout';
import type { AuditAction } from '../../../shared/audit/audit-event';
import type { SessionState } from '../../../shared/ipc/contract';
import { DEFAULT_ACCOUNT_KDF } from '../../../server/server';
import { account, signIn as signInAt, type TestAccount } from '../../support/messaging-server';
import { usePostgres } from '../../support/postgres';
import {
  createUser,
  HOOK_TIMEOUT_MS,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';
import { createWorkstation, eventually, type Workstation } from '../../support/workstation';

const postgres = usePostgres();
/** The name every test workstation signs in under. */
const HOST_NAME = os.hostname().slice(0, 200);

const nurse = account('nurse.varga', 'nurse', 'Ilona Varga', 'Ward 3', 'Staff Nurse');
const doctor = account('dr.osei', 'physician', 'Kofi Osei', 'Cardiology', 'Registrar');
const porter = account('nurse.roux', 'nurse', 'Claire Roux', 'Ward 3', 'Staff Nurse');
const student = account('nurse.bell', 'nurse', 'Ada Bell', 'Ward 3', 'Student Nurse');
const locum = account('nurse.ito', 'nurse', 'Hana Ito', 'Ward 3', 'Agency Nurse');

let target: TestServer;
let admin: TestUser;
let officer: TestUser;
const stations: Workstation[] = [];

function station(options: Parameters<typeof createWorkstation>[1] = {}, server = target): Workstation {
  const created = createWorkstation({ url: server.server.url, caPem: server.caPem }, options);
  stations.push(created);
  return created;
}

beforeAll(async () => {
  // Real client KDF costs: the workstation refuses the fixtures' cheap ones.
  target = await startTestServer('pglite', { accountKdf: DEFAULT_ACCOUNT_KDF });
  for (const person of [nurse, doctor, porter, student, locum]) await target.server.admin.createAccount(person);
  admin = await createUser(target, { userId: 'it.morgan', displayName: 'Sam Morgan', role: 'it-admin' });
  officer = await createUser(target, { userId: 'audit.chen', displayName: 'Li Chen', role: 'compliance-officer' });
  await signIn(target, officer);
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(stations.map((s) => s.close()));
  await target.dispose();
}, HOOK_TIMEOUT_MS);

const provedAt = new Map<TestUser, number>();
/**
 * The admin's token, signed in within the last four minutes: fresh enough to queue a wipe. Not
 * more often: each sign-in spends a TOTP step, and the fixtures move the server's clock for a new
 * one, which the workstations' own clocks would not follow.
 */
async function freshAdmin(server: TestServer = target, it: TestUser = admin): Promise<string> {
  if (Date.now() - (provedAt.get(it) ?? 0) > 4 * 60_000) {
    await signIn(server, it);
    provedAt.set(it, Date.now());
  }
  return token(it);
}

/** The workstation `person` is signed in at, as IT sees it. */
async function deviceOf(person: TestAccount, server: TestServer = target, it: TestUser = admin): Promise<string> {
  const listed = await server.api.ok('adminListSessions', { userId: person.userId }, await freshAdmin(server, it));
  const session = listed.sessions[0];
  if (session === undefined) throw new Error(`${person.userId} has no session`);
  expect(session.deviceName).toBe(HOST_NAME);
  return session.deviceId;
}

const commandsOf = async (deviceId: string) =>
  (await target.api.ok('adminDeviceCommands', { deviceId }, token(admin))).commands;

/** What the server's trail holds from a workstation, as compliance searches it. */
async function trailOf(deviceId: string) {
  const found = await target.api.ok(
    'auditSearch',
    {
      filter: {
        userId: null,
        patient: null,
        workstationId: deviceId,
        conversationId: null,
        action: null,
        since: null,
        until: null,
      },
      afterIndex: -1,
      limit: 500,
      knownTreeSize: 0,
    },
    token(officer),
  );
  return found.entries.map((entry) => entry.entry.record);
}

const vaultsOn = (ws: Workstation) => (existsSync(vaultsRoot(ws.dataDir)) ? readdirSync(vaultsRoot(ws.dataDir)) : []);
const signedOutFor = (reason: string) => (state: SessionState) =>
  state.state === 'signed-out' && state.reason === reason;

describe('a workstation wipe', () => {
  it('while a clinician works: signed out saying why, every vault and then the audit key shredded, the trail complete', async () => {
    const ward = station();
    await signInAt(ward, doctor);
    await ward.call('session.signOut', {});
    await signInAt(ward, nurse);
    expect(vaultsOn(ward)).toHaveLength(2);
    const deviceId = await deviceOf(nurse);

    const queued = await target.api.ok(
      'adminWipeWorkstation',
      { deviceId, confirmName: HOST_NAME },
      await freshAdmin(),
    );
    // Pushed over the stream: the nurse is signed out within seconds, told why.
    await ward.waitForEvent('session.changed', signedOutFor('workstation-wiped'), 15_000);
    const done = await eventually(
      () => commandsOf(deviceId),
      (commands) => commands[0]?.state === 'done',
    );
    expect(done).toEqual([
      expect.objectContaining({
        commandId: queued.command.commandId,
        state: 'done',
        outcome: 'wiped',
        auditSynced: true,
        issuedBy: admin.userId,
      }),
    ]);
    expect(vaultsOn(ward)).toEqual([]);
    expect(ward.core.session.state()).toEqual({ state: 'signed-out', reason: 'workstation-wiped' });
    // The device key went (right after the report), and the audit log it keyed: the log that
    // opens now is a new device's (the old one, under a key that is gone, would not open at all).
    const identity = () =>
      existsSync(deviceIdentityFile(ward.dataDir)) ? readFileSync(deviceIdentityFile(ward.dataDir), 'utf8') : '';
    await eventually(
      () => Promise.resolve(identity()),
      (text) => !text.includes(deviceId),
    );
    const log = await ward.core.audit.log();
    expect(log.deviceId).not.toBe(deviceId);
    expect(identity()).not.toContain(deviceId);

    // Every record the workstation made reached the server before its key went, the wipe's own too.
    const records = await trailOf(deviceId);
    const wiped = (action: AuditAction) =>
      records.filter((r) => r.action === action && r.reason === 'REMOTE_WIPE').map((r) => r.object);
    expect(wiped('admin.action')).toEqual([{ kind: 'workstation', id: deviceId, userId: null }]);
    const shredded = wiped('vault.shredded').map((object) => (object.kind === 'vault' ? object.id : null));
    expect(shredded.sort()).toEqual([nurse, doctor].map((p) => vaultIdOf(p.userId)).sort());
    expect(records.filter((r) => r.action === 'session.auto-logoff' && r.reason === 'REMOTE_WIPE')).toHaveLength(1);
    // And the server's chain says who asked, and that the workstation did it.
    const chain = (await target.server.admin.adminEvents()).filter((e) => e.subject === deviceId);
    expect(chain.map((e) => [e.action, e.actor])).toEqual([
      ['workstation.wipe-queued', admin.userId],
      ['workstation.command-delivered', '(workstation)'],
      ['workstation.wiped', '(workstation)'],
    ]);

    // The workstation starts afresh: a new device, a new vault.
    await signInAt(ward, nurse, 1);
    expect(vaultsOn(ward)).toHaveLength(1);
    expect(await deviceOf(nurse)).not.toBe(deviceId);
    await ward.call('session.signOut', {});
  });

  it('while it was off: carried out at its next start, and the audit log kept when its records cannot reach the server', async () => {
    const first = station();
    await signInAt(first, porter);
    const deviceId = await deviceOf(porter);
    await first.call('session.signOut', {});
    await first.close();
    await target.api.ok('adminWipeWorkstation', { deviceId, confirmName: HOST_NAME }, await freshAdmin());

    // Switched on again; the audit log gets no time to reach the server.
    const again = station({ dataDir: first.dataDir, wipeAuditSyncTimeoutMs: 1 });
    const done = await eventually(
      () => commandsOf(deviceId),
      (commands) => commands[0]?.state === 'done',
    );
    expect(done[0]).toMatchObject({ outcome: 'wiped-audit-kept', auditSynced: false });
    expect(vaultsOn(again)).toEqual([]);
    expect(existsSync(deviceLogFile(again.dataDir))).toBe(true);
    expect(existsSync(deviceIdentityFile(again.dataDir))).toBe(true);
    expect(await again.call('session.getState', {})).toEqual({
      ok: true,
      value: { state: 'signed-out', reason: 'workstation-wiped' },
    });
    // Kept, it syncs as ever: the wipe's records reach the server after all.
    expect(await again.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
    const records = await trailOf(deviceId);
    expect(records.filter((r) => r.action === 'vault.shredded' && r.reason === 'REMOTE_WIPE')).toHaveLength(1);
  });
});

describe('a revoked workstation', () => {
  it('is wiped with its audit records sent first, and then registers afresh as a new workstation', async () => {
    const ward = station();
    await signInAt(ward, locum);
    const deviceId = await deviceOf(locum);
    // Records made before the revocation that have not reached the server yet.
    await ward.call('session.signOut', {});
    const revoked = await target.api.ok('adminRevokeWorkstation', { deviceId }, await freshAdmin());
    expect(revoked.changed).toBe(true);
    expect(await ward.core.audit.syncNow()).not.toMatchObject({ kind: 'synced' });
    const refused = await ward.call('session.signIn', { userId: locum.userId, password: locum.password });
    expect(refused).toMatchObject({ ok: false, error: { code: 'DEVICE_REVOKED' } });

    await target.api.ok('adminWipeWorkstation', { deviceId, confirmName: HOST_NAME }, await freshAdmin());
    // Someone tries to sign in there: the workstation looks for IT's commands first.
    await ward.call('session.signIn', { userId: locum.userId, password: locum.password });
    const done = await eventually(
      () => commandsOf(deviceId),
      (commands) => commands[0]?.state === 'done',
    );
    // Taken while the wipe was under way: every record, the sign-out before the revocation too.
    expect(done[0]).toMatchObject({ outcome: 'wiped', auditSynced: true });
    const records = await trailOf(deviceId);
    expect(records.filter((r) => r.action === 'session.signed-out')).toHaveLength(1);
    expect(records.filter((r) => r.action === 'vault.shredded' && r.reason === 'REMOTE_WIPE')).toHaveLength(1);
    // Done, the revoked key sends nothing more.
    await expect(
      target.api.ok('adminDeviceCommands', { deviceId }, token(admin)).then((c) => c.commands[0]?.state),
    ).resolves.toBe('done');

    // A new key, a new registration: the PC signs people in again.
    await signInAt(ward, locum, 1);
    expect(await deviceOf(locum)).not.toBe(deviceId);
    await ward.call('session.signOut', {});
  });
});

describe("a person's wipe", () => {
  it('shreds their vault on every workstation they used, signing them out where they are, and nothing else', async () => {
    const clinic = station();
    await signInAt(clinic, student);
    await clinic.call('session.signOut', {});
    await signInAt(clinic, doctor, 1);
    const deviceId = await deviceOf(doctor);

    const wiped = await target.api.ok('adminWipeUser', { userId: doctor.userId }, await freshAdmin());
    // The ward (wiped, now a new device) and the clinic.
    expect(wiped.commands.map((c) => c.deviceId)).toContain(deviceId);
    await clinic.waitForEvent('session.changed', signedOutFor('user-wiped'), 15_000);
    await eventually(
      () => commandsOf(deviceId),
      (commands) => commands[0]?.state === 'done',
    );
    expect(vaultsOn(clinic)).toEqual([vaultIdOf(student.userId)]);
    expect((await commandsOf(deviceId))[0]).toMatchObject({
      kind: 'wipe-user',
      userId: doctor.userId,
      outcome: 'wiped',
    });
    // The workstation itself goes on: its key and its audit log stay.
    expect(existsSync(deviceIdentityFile(clinic.dataDir))).toBe(true);
    const chain = (await target.server.admin.adminEvents()).filter((e) => e.subject === deviceId);
    expect(chain.map((e) => [e.action, e.targetUserId])).toEqual([
      ['user.wipe-queued', doctor.userId],
      ['workstation.command-delivered', doctor.userId],
      ['user.wiped', doctor.userId],
    ]);
  });
});

describe('a command the server did not sign for this workstation', () => {
  it('is refused, with an alert, and destroys nothing', async () => {
    const pg = postgres();
    const other = await startTestServer('postgres', { postgres: pg, accountKdf: DEFAULT_ACCOUNT_KDF });
    try {
      const itAdmin = await createUser(other, { userId: 'it.okoye', displayName: 'Chidi Okoye', role: 'it-admin' });
      const elsewhere = await createUser(other, { userId: 'dr.kahn', displayName: 'Sara Kahn', role: 'physician' });
      await signIn(other, elsewhere);
      await other.server.admin.createAccount(nurse);
      const lines: string[] = [];
      const ward = station({ logLines: lines }, other);
      await signInAt(ward, nurse);
      const deviceId = await deviceOf(nurse, other, itAdmin);
      // The audit key is pinned by the first audit sync.
      await eventually(
        () => Promise.resolve(readWitnessedHead(ward.dataDir)),
        (read) => read.ok && read.value !== null,
      );

      // A wipe for this workstation under a signature nobody's key made…
      const forged = randomUUID();
      await pg.execute(
        other.databaseUrl!,
        `INSERT INTO device_commands (command_id, device_id, kind, user_id, issued_by, issued_at, signature)
         VALUES ('${forged}', '${deviceId}', 'wipe-workstation', NULL, 'it.okoye', ${String(Date.now())}, '${Buffer.alloc(64, 7).toString('base64')}')`,
      );
      // …and a genuine one for another workstation, moved to this one.
      const genuine = await other.api.ok(
        'adminWipeUser',
        { userId: elsewhere.userId },
        await freshAdmin(other, itAdmin),
      );
      const moved = genuine.commands[0]!.commandId;
      await pg.execute(
        other.databaseUrl!,
        `UPDATE device_commands SET device_id = '${deviceId}', user_id = '${nurse.userId}' WHERE command_id = '${moved}'`,
      );

      // Any answer to the nurse's session now says commands wait.
      await ward.call('sessions.list', {});
      await eventually(
        () => Promise.resolve(lines.join('')),
        (log) => (log.match(/DEVICE_COMMAND_FORGED/g) ?? []).length >= 2,
      );
      expect(ward.core.session.state()).toMatchObject({ state: 'unlocked' });
      expect(vaultsOn(ward)).toEqual([vaultIdOf(nurse.userId)]);
      expect(existsSync(deviceIdentityFile(ward.dataDir))).toBe(true);
      const listed = await other.api.ok('adminDeviceCommands', { deviceId }, token(itAdmin));
      expect(listed.commands.map((c) => c.state)).toEqual(['delivered', 'delivered']);
      // The workstation says so in its own trail.
      expect(await ward.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
      expect(lines.join('')).not.toContain('Ilona');
    } finally {
      await Promise.all(stations.splice(-1).map((s) => s.close()));
      await other.dispose();
    }
  }, 120_000);
});
