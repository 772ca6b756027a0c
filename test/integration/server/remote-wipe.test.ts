/**
 * Remote wipe on the server (shared/protocol/admin-wipe-api.ts, device-command-api.ts), as an
 * attacker would try it: only a freshly re-authenticated IT admin queues a wipe, and only for the
 * workstation whose name they typed; each command verifies under the audit key a workstation pins
 * from its audit batches, and a tampered one does not; the workstation's own routes take a fresh
 * device proof once, and twenty requests at once deliver and complete a command exactly once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519Verifier } from '../../../shared/node/crypto/ed25519';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { adminWipeRoutes } from '../../../shared/protocol/admin-wipe-api';
import type { RouteName } from '../../../shared/protocol/api';
import { PROOF_WINDOW_MS } from '../../../shared/protocol/auth';
import {
  COMMANDS_PENDING_HEADER,
  commandReportProofBytes,
  commandsFetchProofBytes,
  deviceCommandBytes,
  type DeviceCommand,
  type WipeOutcome,
} from '../../../shared/protocol/device-command-api';
import { REAUTHENTICATION_WINDOW_MS } from '../../../shared/protocol/route-spec';
import { routes } from '../../../shared/protocol/api';
import { chainRecords, chainStart, signedBatch } from '../../support/audit-batches';
import { usePostgres } from '../../support/postgres';
import {
  authKeyOf,
  BACKENDS,
  createUser,
  freshTotpCode,
  HOOK_TIMEOUT_MS,
  newDevice,
  refreshProof,
  signIn,
  signWith,
  startTestServer,
  token,
  type TestDevice,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();

const fetchProof = async (device: TestDevice, timestamp: number) => ({
  deviceId: device.deviceId,
  timestamp,
  signature: await signWith(device, commandsFetchProofBytes({ deviceId: device.deviceId, timestamp })),
});

async function report(
  device: TestDevice,
  commandId: string,
  timestamp: number,
  outcome: WipeOutcome = 'wiped',
  auditSynced = true,
) {
  const bytes = commandReportProofBytes({ deviceId: device.deviceId, commandId, outcome, auditSynced, timestamp });
  return {
    commandId,
    outcome,
    auditSynced,
    proof: { deviceId: device.deviceId, timestamp, signature: await signWith(device, bytes) },
  };
}

async function reauthenticate(target: TestServer, user: TestUser) {
  return target.api.ok(
    'reauthenticate',
    { authKey: await authKeyOf(target.api, user), code: freshTotpCode(target, user) },
    token(user),
  );
}

const adminEventsOf = async (target: TestServer, action: string) =>
  (await target.server.admin.adminEvents()).filter((event) => event.action === action);

describe('IT queues a wipe', () => {
  let target: TestServer;
  let admin: TestUser;
  let nurse: TestUser;
  let others: TestUser[];

  beforeAll(async () => {
    target = await startTestServer('pglite');
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams', role: 'nurse' });
    others = [
      nurse,
      await createUser(target, { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' }),
      await createUser(target, { userId: 'desk.morgan', displayName: 'Rhys Morgan', role: 'front-desk' }),
      await createUser(target, { userId: 'compliance.reed', displayName: 'Ada Reed', role: 'compliance-officer' }),
    ];
    for (const user of [admin, ...others]) await signIn(target, user);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const ROUTES = Object.keys(adminWipeRoutes) as (keyof typeof adminWipeRoutes & RouteName)[];
  const bodyOf = (name: keyof typeof adminWipeRoutes) =>
    name === 'adminWipeUser' || name === 'adminPersonWorkstations'
      ? { userId: 'nurse.adams' }
      : name === 'adminWipeWorkstation'
        ? { deviceId: nurse.device.deviceId, confirmName: nurse.device.name }
        : { deviceId: nurse.device.deviceId };

  it('refuses every wipe route without a session, and to every role but IT even freshly re-authenticated', async () => {
    for (const name of ROUTES)
      expect(await target.api.refused(name, bodyOf(name)), name).toMatchObject({
        status: 401,
        body: { error: 'UNAUTHENTICATED' },
      });
    for (const user of others) {
      await reauthenticate(target, user);
      for (const name of ROUTES)
        expect(await target.api.refused(name, bodyOf(name), token(user)), `${user.userId} ${name}`).toMatchObject({
          status: 403,
          body: { error: 'FORBIDDEN' },
        });
    }
    expect(await adminEventsOf(target, 'workstation.wipe-queued')).toEqual([]);
    expect(await adminEventsOf(target, 'user.wipe-queued')).toEqual([]);
  });

  it('refuses to queue a wipe on a stale proof of the admin; listing needs none', async () => {
    // The admin's sign-in ages past the window, the token refreshed each minute as a client does.
    for (let left = REAUTHENTICATION_WINDOW_MS + 1000; left > 0; left -= 60_000) {
      target.clock.advance(Math.min(left, 60_000));
      const session = admin.session!;
      const proof = await refreshProof(admin.device, session.sessionId, target.clock.now());
      const renewed = await target.api.ok('refresh', { proof }, session.token);
      admin.session = { ...session, token: renewed.token, expiresAt: renewed.expiresAt };
    }
    for (const name of ['adminWipeWorkstation', 'adminWipeUser'] as const)
      expect(await target.api.refused(name, bodyOf(name), token(admin)), name).toMatchObject({
        status: 403,
        body: { error: 'REAUTHENTICATION_REQUIRED' },
      });
    const listed = await target.api.ok('adminDeviceCommands', { deviceId: nurse.device.deviceId }, token(admin));
    expect(listed).toEqual({ deviceName: nurse.device.name, commands: [] });
  });

  it("queues a workstation wipe only under the workstation's name, once, naming the admin", async () => {
    await reauthenticate(target, admin);
    const device = nurse.device.deviceId;
    const wrong = await target.api.refused(
      'adminWipeWorkstation',
      { deviceId: device, confirmName: 'Ward 4C workstation' },
      token(admin),
    );
    expect(wrong).toMatchObject({ status: 409, body: { error: 'CONFIRMATION_MISMATCH' } });
    const unknown = await target.api.refused(
      'adminWipeWorkstation',
      { deviceId: randomUUID(), confirmName: nurse.device.name },
      token(admin),
    );
    expect(unknown).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    expect((await target.api.ok('adminDeviceCommands', { deviceId: device }, token(admin))).commands).toEqual([]);

    // Host names ignore case: the name as typed in capitals is the same workstation.
    const typed = ` ${nurse.device.name.toUpperCase()} `;
    const first = await target.api.ok('adminWipeWorkstation', { deviceId: device, confirmName: typed }, token(admin));
    expect(first.command).toMatchObject({
      deviceId: device,
      kind: 'wipe-workstation',
      userId: null,
      issuedBy: 'it.schmidt',
      state: 'queued',
      deliveredAt: null,
      doneAt: null,
      outcome: null,
      auditSynced: null,
    });
    // A second click queues nothing more.
    const again = await target.api.ok(
      'adminWipeWorkstation',
      { deviceId: device, confirmName: nurse.device.name },
      token(admin),
    );
    expect(again.command.commandId).toBe(first.command.commandId);
    const recorded = await adminEventsOf(target, 'workstation.wipe-queued');
    expect(recorded.map((event) => [event.actor, event.subject, event.outcome, event.reason])).toEqual([
      ['it.schmidt', device, 'failure', 'CONFIRMATION_MISMATCH'],
      ['it.schmidt', device, 'success', null],
    ]);
  });

  it("tells the workstation at its next contact: its sessions' answers and its stream", async () => {
    // Signed in again: the clock moved past the first token's life meanwhile.
    await signIn(target, nurse);
    const answered = await target.api.raw('GET', routes.listSessions.path, {
      headers: { authorization: `Bearer ${token(nurse)}` },
    });
    expect(answered.status).toBe(200);
    expect(answered.headers[COMMANDS_PENDING_HEADER]).toBe('pending');
    // Another workstation's sessions hear nothing.
    const elsewhere = await target.api.raw('GET', routes.listSessions.path, {
      headers: { authorization: `Bearer ${token(admin)}` },
    });
    expect(elsewhere.headers[COMMANDS_PENDING_HEADER]).toBeUndefined();

    // A stream opened now is told at once; one already open is told when IT queues the next.
    const stream = await target.stream(token(nurse));
    expect(await stream.next()).toEqual({ type: 'commands-pending' });
    stream.resume(0);
    await stream.untilReady();
    await reauthenticate(target, admin);
    await target.api.ok('adminWipeUser', { userId: 'nurse.adams' }, token(admin));
    expect(await stream.next()).toEqual({ type: 'commands-pending' });
    await stream.close();
  });

  it('wipes a person on every workstation they signed in at, each recorded', async () => {
    const patel = others[1]!;
    const first = patel.device;
    patel.device = await newDevice('Cardiology clinic PC');
    await signIn(target, patel);
    await reauthenticate(target, admin);
    const wiped = await target.api.ok('adminWipeUser', { userId: 'dr.patel' }, token(admin));
    expect(wiped.workstations).toBe(2);
    expect(wiped.commands.map((c) => [c.deviceId, c.kind, c.userId, c.state]).sort()).toEqual(
      [
        [first.deviceId, 'wipe-user', 'dr.patel', 'queued'],
        [patel.device.deviceId, 'wipe-user', 'dr.patel', 'queued'],
      ].sort(),
    );
    const recorded = (await adminEventsOf(target, 'user.wipe-queued')).filter((e) => e.targetUserId === 'dr.patel');
    expect(recorded.map((event) => [event.actor, event.subject]).sort()).toEqual(
      [
        ['it.schmidt', first.deviceId],
        ['it.schmidt', patel.device.deviceId],
      ].sort(),
    );
    expect(await target.api.refused('adminWipeUser', { userId: 'nobody.here' }, token(admin))).toMatchObject({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
    // Someone who never signed in anywhere: nothing to queue, the request still on the record.
    const never = await createUser(target, { userId: 'nurse.new', displayName: 'New Starter' });
    expect(await target.api.ok('adminWipeUser', { userId: never.userId }, token(admin))).toEqual({
      workstations: 0,
      commands: [],
    });
    expect((await adminEventsOf(target, 'user.wipe-queued')).at(-1)).toMatchObject({
      targetUserId: 'nurse.new',
      subject: null,
    });
  });

  it('shows each command queued, delivered and done, with times, outcome and whether the audit synced', async () => {
    const device = nurse.device;
    const fetched = await target.api.ok('fetchDeviceCommands', { proof: await fetchProof(device, target.clock.now()) });
    expect(fetched.commands.map((c) => c.kind).sort()).toEqual(['wipe-user', 'wipe-workstation']);
    const wipe = fetched.commands.find((c) => c.kind === 'wipe-workstation')!;
    const deliveredAt = target.clock.now();
    target.clock.advance(5000);
    const done = await target.api.ok(
      'reportDeviceCommand',
      await report(device, wipe.commandId, target.clock.now(), 'wiped-audit-kept', false),
    );
    const listed = await target.api.ok('adminDeviceCommands', { deviceId: device.deviceId }, token(admin));
    expect(listed.commands.find((c) => c.commandId === wipe.commandId)).toMatchObject({
      state: 'done',
      outcome: 'wiped-audit-kept',
      auditSynced: false,
      doneAt: done.doneAt,
    });
    const user = listed.commands.find((c) => c.kind === 'wipe-user')!;
    expect(user).toMatchObject({ state: 'delivered', doneAt: null });
    expect(user.deliveredAt).toBeGreaterThanOrEqual(deliveredAt - 1000);
    const chain = await target.server.admin.adminEvents();
    expect(
      chain
        .filter((e) => e.subject === device.deviceId && e.actor === '(workstation)')
        .map((e) => [e.action, e.targetUserId]),
    ).toEqual([
      ['workstation.command-delivered', null],
      ['workstation.command-delivered', 'nurse.adams'],
      ['workstation.wiped-audit-kept', null],
    ]);
    // Done: the workstation's answers no longer say a wipe waits, once the user wipe is done too.
    await target.api.ok('reportDeviceCommand', await report(device, user.commandId, target.clock.now() + 1));
    const quiet = await target.api.raw('GET', routes.listSessions.path, {
      headers: { authorization: `Bearer ${token(nurse)}` },
    });
    expect(quiet.headers[COMMANDS_PENDING_HEADER]).toBeUndefined();
  });
});

describe.each(BACKENDS)("the workstation's own routes on %s", (backend) => {
  let target: TestServer;
  let admin: TestUser;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    admin = await createUser(target, { userId: 'it.okoye', displayName: 'Chidi Okoye', role: 'it-admin' });
    await signIn(target, admin);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  /** A nurse signed in at a workstation of their own, with a wipe queued for it. */
  async function wipedWorkstation(): Promise<{ nurse: TestUser; commandId: string }> {
    const nurse = await createUser(target, { userId: `n${randomUUID().slice(0, 8)}`, displayName: 'Grace Adams' });
    await signIn(target, nurse);
    await reauthenticate(target, admin);
    const queued = await target.api.ok(
      'adminWipeWorkstation',
      { deviceId: nurse.device.deviceId, confirmName: nurse.device.name },
      token(admin),
    );
    return { nurse, commandId: queued.command.commandId };
  }

  it('signs each command with the audit key the workstation pins from its audit batches', async () => {
    const { nurse } = await wipedWorkstation();
    const entries = await chainRecords(nurse.device.deviceId, chainStart(), [{ actor: { userId: null, role: null } }]);
    const ack = await target.api.raw('POST', routes.auditBatch.path, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(await signedBatch(nurse.device, entries)),
    });
    expect(ack.status).toBe(200);
    // The audit batch's answer says a wipe waits, too.
    expect(ack.headers[COMMANDS_PENDING_HEADER]).toBe('pending');
    const pinned = routes.auditBatch.response.parse(JSON.parse(ack.text)).auditKey;

    const { commands } = await target.api.ok('fetchDeviceCommands', {
      proof: await fetchProof(nurse.device, target.clock.now()),
    });
    expect(commands).toHaveLength(1);
    const command = commands[0]!;
    const verify = ed25519Verifier(await loadSodium());
    const verifies = (c: DeviceCommand) => verify(pinned, deviceCommandBytes(c), c.signature);
    expect(verifies(command)).toBe(true);
    // Every signed field counts: another device, kind, person or time does not verify.
    expect(verifies({ ...command, deviceId: randomUUID() })).toBe(false);
    expect(verifies({ ...command, kind: 'wipe-user', userId: nurse.userId })).toBe(false);
    expect(verifies({ ...command, issuedAt: command.issuedAt + 1 })).toBe(false);
  });

  it('takes a fresh proof by the registered key, once', async () => {
    const { nurse, commandId } = await wipedWorkstation();
    const device = nurse.device;
    const refused = { status: 401, body: { error: 'DEVICE_PROOF_INVALID' } };
    // Another key claiming the device, a stale proof, a proof for another request.
    const impostor = { ...(await newDevice()), deviceId: device.deviceId };
    expect(
      await target.api.refused('fetchDeviceCommands', { proof: await fetchProof(impostor, target.clock.now()) }),
    ).toEqual(refused);
    expect(
      await target.api.refused('fetchDeviceCommands', {
        proof: await fetchProof(device, target.clock.now() - PROOF_WINDOW_MS - 1000),
      }),
    ).toEqual(refused);
    const reportBody = await report(device, commandId, target.clock.now());
    expect(await target.api.refused('fetchDeviceCommands', { proof: reportBody.proof })).toEqual(refused);
    // A report whose signed fields were altered on the way.
    expect(await target.api.refused('reportDeviceCommand', { ...reportBody, auditSynced: false })).toEqual(refused);

    const proof = await fetchProof(device, target.clock.now());
    expect((await target.api.ok('fetchDeviceCommands', { proof })).commands).toHaveLength(1);
    expect(await target.api.refused('fetchDeviceCommands', { proof })).toEqual(refused);
    await target.api.ok('reportDeviceCommand', reportBody);
    expect(await target.api.refused('reportDeviceCommand', reportBody)).toEqual(refused);

    // Another workstation's command is unknown to this one.
    const other = await wipedWorkstation();
    expect(
      await target.api.refused('reportDeviceCommand', await report(device, other.commandId, target.clock.now())),
    ).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
  });

  it('delivers and completes a command once under twenty requests at once', async () => {
    const { nurse, commandId } = await wipedWorkstation();
    const device = nurse.device;
    const base = target.clock.now();
    const fetches = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        target.api.ok('fetchDeviceCommands', { proof: await fetchProof(device, base + i) }),
      ),
    );
    for (const fetched of fetches) expect(fetched.commands.map((c) => c.commandId)).toEqual([commandId]);
    const reports = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        target.api.ok('reportDeviceCommand', await report(device, commandId, base + 100 + i)),
      ),
    );
    // Every report is answered with the one time it was done.
    expect(new Set(reports.map((answer) => answer.doneAt)).size).toBe(1);
    const recorded = (await target.server.admin.adminEvents()).filter((e) => e.subject === device.deviceId);
    expect(recorded.map((e) => e.action)).toEqual([
      'workstation.wipe-queued',
      'workstation.command-delivered',
      'workstation.wiped',
    ]);
    const listed = await target.api.ok('adminDeviceCommands', { deviceId: device.deviceId }, token(admin));
    expect(listed.commands).toEqual([expect.objectContaining({ commandId, state: 'done', auditSynced: true })]);
    // Done: nothing more to fetch.
    const after = await target.api.ok('fetchDeviceCommands', { proof: await fetchProof(device, base + 200) });
    expect(after.commands).toEqual([]);
  });
});
