/**
 * The audit trail's one promise about content, proven through the real core and server rather
 * than the schema alone: a clinician's day is driven through the router with PHI in every place
 * a user can type it (passwords right and wrong, the PIN, a directory search for a patient's
 * name, a subject, a message, a patient's name and bed), every event that day records reaches the
 * server, and none of that text is in any record or any log line. The records still say who did
 * what to which object.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../shared/audit/audit-event';
import { account, signIn, startTestServer, totpCode, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.idowu', 'nurse', 'Femi Idowu', 'Ward 2', 'Staff Nurse');
const doctor = account('dr.haddad', 'physician', 'Layla Haddad', 'Oncology', 'Consultant');

/** What the clinician types; none of it may reach the trail or a log. */
const PHI = {
  wrongPassword: 'Kowalski-12/03/1961!',
  pin: '739154',
  searchName: 'Kowalski Maria',
  subject: 'Maria Kowalski DOB 12/03/1961',
  text: 'K+ 6.1 in bed 4, start insulin-dextrose',
  patientLabel: 'Bed 4, M. Kowalski',
  reply: 'Neutropenic sepsis pathway started',
};
const PATIENT_REF = 'pat-0NC0L0GY4';

let server: TestServer;
let ward: Workstation;
let office: Workstation;
const wardLog: string[] = [];
const officeLog: string[] = [];

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  ward = createWorkstation(server.endpoint, { logLines: wardLog });
  office = createWorkstation(server.endpoint, { logLines: officeLog });
}, 60_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close()]);
  await server.server.close();
});

describe('no PHI in the audit trail', () => {
  it('records a whole day of typed PHI by ids and codes only', async () => {
    // Sign-in: a wrong password, a wrong code, then right.
    expect(await ward.call('session.signIn', { userId: nurse.userId, password: PHI.wrongPassword })).toMatchObject({
      ok: false,
    });
    expect(await ward.call('session.signIn', { userId: nurse.userId, password: nurse.password })).toEqual({
      ok: true,
      value: { step: 'mfa' },
    });
    const wrongCode = totpCode(nurse) === '000000' ? '111111' : '000000';
    expect(await ward.call('session.verifyMfa', { code: wrongCode })).toMatchObject({ ok: false });
    expect(await ward.call('session.verifyMfa', { code: totpCode(nurse) })).toMatchObject({
      ok: true,
      value: { state: 'unlocked' },
    });
    await signIn(office, doctor);

    // A PIN, a lock, a wrong password at the lock screen, the PIN.
    expect(await ward.call('session.setPin', { pin: PHI.pin, password: nurse.password })).toMatchObject({ ok: true });
    expect(await ward.call('session.lock', {})).toMatchObject({ ok: true });
    expect(await ward.call('session.unlock', { password: PHI.wrongPassword })).toMatchObject({ ok: false });
    expect(await ward.call('session.unlock', { pin: PHI.pin })).toMatchObject({
      ok: true,
      value: { state: 'unlocked' },
    });

    // A directory search for a patient's name, a message about the patient, a reply, a recall.
    await ward.call('directory.search', { query: PHI.searchName });
    const message = {
      to: [{ kind: 'user' as const, userId: doctor.userId }],
      title: PHI.subject,
      patient: { ref: PATIENT_REF, label: PHI.patientLabel },
      text: PHI.text,
      priority: 'urgent' as const,
      expiresInSeconds: null,
    };
    // The identifier check asks about the date of birth in the subject; the nurse sends anyway.
    const warned = await ward.call('message.send', message);
    expect(warned).toMatchObject({ ok: false, error: { code: 'IDENTIFIERS_FOUND' } });
    const sent = await ward.call('message.send', { ...message, guardOverride: ['date-of-birth'] });
    if (!sent.ok) throw new Error(sent.error.code);
    const { conversationId } = sent.value;
    await eventually(
      () => office.call('conversation.open', { conversationId }),
      (opened) => opened.ok,
      20_000,
    );
    const reply = await office.call('message.send', {
      conversationId,
      text: PHI.reply,
      priority: 'stat',
      expiresInSeconds: null,
    });
    if (!reply.ok) throw new Error(reply.error.code);
    await eventually(
      () => openThread(ward, conversationId),
      (thread) => thread.messages.some((m) => m.text === PHI.reply),
      20_000,
    );
    expect(await office.call('message.recall', { messageId: reply.value.messageId })).toMatchObject({ ok: true });
    expect(await ward.call('session.signOut', {})).toMatchObject({ ok: true });

    for (const station of [ward, office]) expect(await station.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
    const records: AuditRecord[] = (await server.server.admin.auditRecords({})).map((entry) => entry.record);

    // The day was recorded: who did what to which object.
    const did = (userId: string, action: string) =>
      records.some((r) => r.actor.userId === userId && r.action === action);
    for (const action of [
      'sign-in.succeeded',
      'session.locked',
      'session.unlocked',
      'search.performed',
      'message.sent',
      'conversation.opened',
      'message.read',
      'session.signed-out',
      'guard.warned',
      'guard.overridden',
    ]) {
      expect(did(nurse.userId, action), action).toBe(true);
    }
    for (const action of ['message.received', 'conversation.opened', 'message.sent', 'message.recalled'])
      expect(did(doctor.userId, action), action).toBe(true);
    expect(records.some((r) => r.action === 'sign-in.failed' && r.outcome === 'failure')).toBe(true);
    expect(records.some((r) => r.action === 'mfa.failed' && r.outcome === 'failure')).toBe(true);
    expect(records.filter((r) => r.action === 'message.sent').every((r) => r.patient === PATIENT_REF)).toBe(true);
    expect(records.filter((r) => r.action.startsWith('guard.')).map((r) => [r.object, r.patient])).toEqual([
      [{ kind: 'identifiers', conversationId: null, found: [{ identifier: 'date-of-birth', count: 1 }] }, PATIENT_REF],
      [{ kind: 'identifiers', conversationId, found: [{ identifier: 'date-of-birth', count: 1 }] }, PATIENT_REF],
    ]);

    // And none of what was typed (the logs were written: an empty log would prove nothing).
    expect(wardLog.length).toBeGreaterThan(0);
    expect(officeLog.length).toBeGreaterThan(0);
    const everything = [JSON.stringify(records), ...wardLog, ...officeLog].join('\n');
    for (const [where, value] of Object.entries({
      ...PHI,
      password: nurse.password,
      doctorPassword: doctor.password,
    })) {
      expect(everything.includes(value), where).toBe(false);
    }
    // Nor the parts of a name or a date a partial leak would carry.
    for (const fragment of ['Kowalski', '12/03/1961', 'insulin', 'sepsis'])
      expect(everything.includes(fragment), fragment).toBe(false);
    // Password hashing at the real cost, three sign-ins and two workstations: slow on a busy two-core machine.
  }, 180_000);
});
