/**
 * "Who saw this patient?": a conversation started about a patient is audited against the
 * patient's reference on every workstation that touches it (sent, received, opened, read), the
 * compliance search finds exactly those records by the reference, and the readable label the
 * sender gave never reaches the trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FILTER as noFilter } from '../../../renderer/src/compliance/audit-filter';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.osei', 'nurse', 'Abena Osei', 'Ward 9', 'Staff Nurse');
const doctor = account('dr.novak', 'physician', 'Petra Novak', 'Respiratory', 'Registrar');
const officer = account(
  'compliance.ruiz',
  'compliance-officer',
  'Ana Ruiz',
  'Information Governance',
  'Privacy Officer',
);
const PATIENT = { ref: 'pat-R3SP1R9', label: 'Bed 4, M. Kowalski' };

let server: TestServer;
let ward: Workstation;
let office: Workstation;
let governance: Workstation;
let aboutPatient: string;
let aboutNobody: string;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, officer]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint);
  governance = createWorkstation(server.endpoint);
  await signIn(office, doctor);
  await signIn(ward, nurse);
  const sent = await ward.call('message.send', {
    to: [{ kind: 'user', userId: doctor.userId }],
    title: null,
    patient: PATIENT,
    text: 'Sats 88% on 4L, please review',
    priority: 'urgent',
    expiresInSeconds: null,
  });
  if (!sent.ok) throw new Error(sent.error.code);
  aboutPatient = sent.value.conversationId;
  const other = await ward.call('message.send', {
    to: [{ kind: 'user', userId: doctor.userId }],
    title: 'Rota',
    text: 'Swap Friday?',
    priority: 'routine',
    expiresInSeconds: null,
  });
  if (!other.ok) throw new Error(other.error.code);
  aboutNobody = other.value.conversationId;
  await eventually(
    () => office.call('conversation.open', { conversationId: aboutPatient }),
    (opened) => opened.ok,
    20_000,
  );
  await openThread(office, aboutNobody);
  for (const station of [ward, office]) expect(await station.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
  await signIn(governance, officer);
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close(), governance.close()]);
  await server.server.close();
});

describe('patient context in the audit trail', () => {
  it('shows both clinicians the patient the conversation is about', async () => {
    expect((await openThread(ward, aboutPatient)).conversation.patient).toEqual(PATIENT);
    expect((await openThread(office, aboutPatient)).conversation.patient).toEqual(PATIENT);
    expect((await openThread(office, aboutNobody)).conversation.patient).toBeNull();
  });

  it('finds, by the reference alone, who sent, received, opened and read it, and nothing else', async () => {
    for (const station of [ward, office]) expect(await station.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
    const found = await governance.call('audit.search', {
      filter: { ...noFilter, patient: PATIENT.ref },
      afterIndex: -1,
    });
    if (!found.ok) throw new Error(found.error.code);
    expect(found.value.verification).toMatchObject({ status: 'verified', problems: [] });
    const seen = found.value.records.map((r) => `${String(r.record.actor.userId)} ${r.record.action}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        `${nurse.userId} message.sent`,
        `${nurse.userId} conversation.opened`,
        `${doctor.userId} message.received`,
        `${doctor.userId} conversation.opened`,
        `${doctor.userId} message.read`,
      ]),
    );
    for (const { record } of found.value.records) {
      expect(record.patient).toBe(PATIENT.ref);
      const conversation =
        record.object.kind === 'conversation'
          ? record.object.id
          : record.object.kind === 'message'
            ? record.object.conversationId
            : null;
      expect(conversation).toBe(aboutPatient);
    }
    // The other conversation's records name no patient.
    const other = await governance.call('audit.search', {
      filter: { ...noFilter, conversationId: aboutNobody },
      afterIndex: -1,
    });
    if (!other.ok) throw new Error(other.error.code);
    expect(other.value.records.length).toBeGreaterThan(0);
    expect(other.value.records.every((r) => r.record.patient === null)).toBe(true);
  });

  it('keeps the readable label and the text out of every record', async () => {
    const all = await server.server.admin.auditRecords({});
    const text = JSON.stringify(all);
    expect(text).toContain(PATIENT.ref);
    expect(text).not.toContain('Kowalski');
    expect(text).not.toContain('Bed 4');
    expect(text).not.toContain('Sats');
  });

  it('refuses a patient reference that is not one, before anything is sent', async () => {
    for (const patient of [
      { ref: 'Maria Kowalski', label: null },
      { ref: 'pat-R3SP1R9', label: '' },
      { ref: 'pat-R3SP1R9', label: 'x'.repeat(121) },
    ]) {
      const refused = await ward.call('message.send', {
        to: [{ kind: 'user', userId: doctor.userId }],
        title: null,
        patient,
        text: 'x',
        priority: 'routine',
        expiresInSeconds: null,
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });
});
