/**
 * The device audit log belongs to the workstation, not to whoever is signed in: a sign-out, a
 * user switch and a clinician's vault being shredded leave every record before them in place,
 * and all of them reach the server afterwards, in one unbroken chain.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceLogFile } from '../../../main/audit/device-audit-log';
import { vaultIdOf, vaultPaths } from '../../../main/vault/vault-layout';
import { startServer } from '../../../server/server';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, type Workstation } from '../../support/workstation';

const nurse = account('nurse.reyes', 'nurse', 'Carmen Reyes', 'Ward 6', 'Staff Nurse');
const doctor = account('dr.haddad', 'physician', 'Sami Haddad', 'Neurology', 'Registrar');

let server: TestServer;
let ward: Workstation;
let office: Workstation;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint);
  await signIn(office, doctor);
}, 60_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close()]);
  await server.server.close();
});

const summary = (records: readonly { actor: { userId: string | null }; action: string }[]) =>
  records.map((r) => `${r.actor.userId ?? '-'} ${r.action}`);

describe('the device audit log across users', () => {
  it('keeps records through sign-out, a user switch and a shredded vault, and syncs them all', async () => {
    await signIn(ward, nurse);
    const sent = await ward.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'GCS 13, CT booked',
      priority: 'urgent',
      expiresInSeconds: null,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    const log = await ward.core.audit.log();

    // The server is down when the nurse signs out: her records stay on this workstation.
    const port = server.server.port;
    await server.server.close();
    expect(await ward.call('session.signOut', {})).toMatchObject({ ok: true, value: { state: 'signed-out' } });
    expect(await ward.core.audit.syncNow()).toMatchObject({ kind: 'failed' });
    const kept = (await log.pending(1000)).entries.map((e) => e.record);
    expect(summary(kept)).toContain(`${nurse.userId} session.signed-out`);

    server = { ...server, server: await startServer({ dataDir: server.dataDir, port, log: { level: 'silent' } }) };
    await signIn(ward, doctor, 1);
    expect(await ward.call('session.switchUser', {})).toMatchObject({ ok: true, value: { state: 'signed-out' } });
    const nurseVault = vaultIdOf(nurse.userId);
    expect(await ward.core.vaults.shred(nurseVault)).toEqual({ ok: true, value: null });
    expect(existsSync(vaultPaths(ward.dataDir, nurseVault).dir)).toBe(false);
    expect(existsSync(deviceLogFile(ward.dataDir))).toBe(true);

    // Whatever the sync has not acknowledged yet is still there, unbroken, after all of that.
    expect(await log.verify()).toMatchObject({ ok: true });
    const { lastSeq } = await log.state();
    await eventually(
      () => ward.core.audit.syncNow(),
      (outcome) => outcome?.kind === 'synced',
      20_000,
    );
    expect(await log.pendingCount()).toBe(0);
    const stored = (await server.server.admin.auditRecords({ workstationId: log.deviceId })).map((e) => e.record);
    expect(stored.map((r) => r.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.at(-1)?.seq).toBe(lastSeq);
    for (const record of kept) expect(stored).toContainEqual(record);
    expect(summary(stored)).toEqual(
      expect.arrayContaining([
        `${nurse.userId} vault.created`,
        `${nurse.userId} sign-in.succeeded`,
        `${nurse.userId} message.sent`,
        `${nurse.userId} session.signed-out`,
        `${doctor.userId} sign-in.succeeded`,
        `${doctor.userId} session.user-switched`,
        `${nurse.userId} vault.shredded`,
      ]),
    );
    expect(stored.find((r) => r.action === 'vault.shredded')?.object).toEqual({ kind: 'vault', id: nurseVault });
  }, 90_000);
});
