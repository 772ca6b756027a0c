/**
 * Issue 19, item 3, through the real core and server: the minimum-necessary guard in main, under
 * each workstation's machine policy. A warned message is refused until the sender acknowledges
 * exactly what was found; a blocked one is refused whatever the request says; the trail records
 * kinds and counts, and the override goes on it with the message or neither does. (That no text
 * reaches the trail, a log or an error: test/security/identifier-guard.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestOf } from '../../../shared/ipc/contract';
import { tap, type Tap } from '../../support/audit-tap';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.ibekwe', 'nurse', 'Chioma Ibekwe', 'Ward 5', 'Staff Nurse');
const doctor = account('dr.varga', 'physician', 'Petra Varga', 'General Medicine', 'Registrar');
const desk = account('desk.moreau', 'front-desk', 'Luc Moreau', 'Outpatients', 'Receptionist');
const charge = account('nurse.halvorsen', 'nurse', 'Ingrid Halvorsen', 'Ward 5', 'Charge Nurse');

const SSN = '123-45-6789';
const PHONE = '(212) 555-0143';

let server: TestServer;
/** The nurse, under the default policy: warn. */
let ward: Workstation;
let wardTap: Tap;
/** The doctor, whose policy turns the check off for physicians. */
let office: Workstation;
let officeTap: Tap;
/** Front desk, blocked. */
let reception: Workstation;
let receptionTap: Tap;
/** A nurse where SSNs are never sent and the hospital's MRN format is known. */
let strict: Workstation;
let strictTap: Tap;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, desk, charge]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint, { policy: { identifierGuardPhysician: 'off' } });
  reception = createWorkstation(server.endpoint, { policy: { identifierGuardFrontDesk: 'block' } });
  strict = createWorkstation(server.endpoint, {
    policy: { identifierGuardBlockKinds: 'ssn, card-number', mrnFormats: 'M#######' },
  });
  await Promise.all([signIn(ward, nurse), signIn(office, doctor), signIn(reception, desk), signIn(strict, charge)]);
  [wardTap, officeTap, receptionTap, strictTap] = await Promise.all([
    tap(ward),
    tap(office),
    tap(reception),
    tap(strict),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all([ward, office, reception, strict].map((station) => station.close()));
  await server.server.close();
});

const toDoctor = (
  text: string,
  extra: Partial<Extract<RequestOf<'message.send'>, { to: unknown }>> = {},
): RequestOf<'message.send'> => ({
  to: [{ kind: 'user', userId: doctor.userId }],
  title: null,
  text,
  priority: 'routine',
  expiresInSeconds: null,
  ...extra,
});

const guardRecords = (station: Tap) => station.written.filter((record) => record.action.startsWith('guard.'));

async function conversationCount(station: Workstation): Promise<number> {
  const list = await station.call('conversations.list', { offset: 0, limit: 100 });
  if (!list.ok) throw new Error(list.error.code);
  return list.value.total;
}

describe('the minimum-necessary guard in main', () => {
  it('refuses a message with an SSN until the sender acknowledges it, then sends it and records both', async () => {
    const before = await conversationCount(ward);
    const text = `Pt for CT, SSN ${SSN} for the insurer`;
    const warned = await ward.call('message.send', toDoctor(text));
    expect(warned).toEqual({
      ok: false,
      error: {
        code: 'IDENTIFIERS_FOUND',
        message: expect.any(String) as string,
        identifiers: [{ kind: 'ssn', count: 1 }],
      },
    });
    // Nothing was stored, sealed or queued.
    expect(await conversationCount(ward)).toBe(before);
    expect(guardRecords(wardTap).at(-1)).toMatchObject({
      action: 'guard.warned',
      actor: { userId: nurse.userId, role: 'nurse' },
      object: { kind: 'identifiers', conversationId: null, found: [{ identifier: 'ssn', count: 1 }] },
      patient: null,
      outcome: 'success',
    });

    const sent = await ward.call('message.send', toDoctor(text, { guardOverride: ['ssn'] }));
    if (!sent.ok) throw new Error(sent.error.code);
    const { conversationId, messageId } = sent.value;
    const [overridden, recorded] = wardTap.written.slice(-2);
    expect(overridden).toMatchObject({
      action: 'guard.overridden',
      object: { kind: 'identifiers', conversationId, found: [{ identifier: 'ssn', count: 1 }] },
    });
    expect(recorded).toMatchObject({ action: 'message.sent', object: { kind: 'message', id: messageId } });
    const received = await eventually(
      () => openThread(office, conversationId),
      (thread) => thread.messages.length === 1,
      20_000,
    );
    expect(received.messages[0]?.text).toBe(text);
  });

  it('asks again when the acknowledgement does not name exactly what is there now', async () => {
    for (const guardOverride of [['phone'], ['ssn', 'phone']] as const) {
      const answer = await ward.call('message.send', toDoctor(`SSN ${SSN}`, { guardOverride: [...guardOverride] }));
      expect(answer, guardOverride.join()).toMatchObject({ ok: false, error: { code: 'IDENTIFIERS_FOUND' } });
    }
    // The sender confirmed the SSN, then pasted a phone number in: both are asked about.
    const grown = await ward.call('message.send', toDoctor(`SSN ${SSN}, wife ${PHONE}`, { guardOverride: ['ssn'] }));
    expect(grown).toMatchObject({
      ok: false,
      error: {
        code: 'IDENTIFIERS_FOUND',
        identifiers: [
          { kind: 'ssn', count: 1 },
          { kind: 'phone', count: 1 },
        ],
      },
    });
  });

  it('checks the subject as well as the text, and names a reply’s conversation and patient', async () => {
    const titled = await ward.call(
      'message.send',
      toDoctor('Bloods due at 14:30', {
        title: 'Mrs K DOB 14/02/1937',
        patient: { ref: 'pat-KX7Q21', label: 'Bed 4' },
      }),
    );
    expect(titled).toMatchObject({
      ok: false,
      error: { code: 'IDENTIFIERS_FOUND', identifiers: [{ kind: 'date-of-birth', count: 1 }] },
    });
    expect(guardRecords(wardTap).at(-1)).toMatchObject({ patient: 'pat-KX7Q21' });

    const started = await ward.call(
      'message.send',
      toDoctor('Bloods due at 14:30', { title: 'Bed 4 bloods', patient: { ref: 'pat-KX7Q21', label: 'Bed 4' } }),
    );
    if (!started.ok) throw new Error(started.error.code);
    const { conversationId } = started.value;
    const reply = await ward.call('message.send', {
      conversationId,
      text: `Daughter asks you call her on ${PHONE} or ${PHONE.replace('0143', '0199')}`,
      priority: 'routine',
      expiresInSeconds: null,
    });
    expect(reply).toMatchObject({ ok: false, error: { identifiers: [{ kind: 'phone', count: 2 }] } });
    expect(guardRecords(wardTap).at(-1)).toMatchObject({
      action: 'guard.warned',
      object: { conversationId, found: [{ identifier: 'phone', count: 2 }] },
      patient: 'pat-KX7Q21',
    });
  });

  it('sends clinical numbers without a word', async () => {
    const records = wardTap.written.length;
    const sent = await ward.call(
      'message.send',
      toDoctor('Bed 12: BP 90/60, HR 118, SpO2 91%, T 38.9, lactate 4.2. Gent 320 mg at 14:30? bleep 4411'),
    );
    expect(sent.ok).toBe(true);
    expect(wardTap.written.slice(records).map((record) => record.action)).toEqual(['message.sent']);
  });

  it('blocks a role policy blocks, acknowledged or not, and records the refusal as a failure', async () => {
    const before = await conversationCount(reception);
    for (const guardOverride of [undefined, ['phone' as const]]) {
      const refused = await reception.call(
        'message.send',
        toDoctor(`Patient called from ${PHONE} to rebook`, guardOverride ? { guardOverride } : {}),
      );
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'IDENTIFIERS_BLOCKED', identifiers: [{ kind: 'phone', count: 1 }] },
      });
    }
    expect(await conversationCount(reception)).toBe(before);
    expect(guardRecords(receptionTap).map((record) => [record.action, record.outcome, record.reason])).toEqual([
      ['guard.blocked', 'failure', 'IDENTIFIERS_BLOCKED'],
      ['guard.blocked', 'failure', 'IDENTIFIERS_BLOCKED'],
    ]);
    expect((await reception.call('message.send', toDoctor('Clinic 3 is running 20 minutes late'))).ok).toBe(true);
  });

  it('blocks the kinds policy never lets go while warning the rest, and finds the hospital’s MRN format', async () => {
    const both = await strict.call('message.send', toDoctor(`M1234567 SSN ${SSN}`, { guardOverride: ['ssn', 'mrn'] }));
    expect(both).toMatchObject({
      ok: false,
      error: { code: 'IDENTIFIERS_BLOCKED', identifiers: [{ kind: 'ssn', count: 1 }] },
    });
    const mrn = await strict.call('message.send', toDoctor('M1234567 to theatre at 14:00'));
    expect(mrn).toMatchObject({
      ok: false,
      error: { code: 'IDENTIFIERS_FOUND', identifiers: [{ kind: 'mrn', count: 1 }] },
    });
    const overridden = await strict.call(
      'message.send',
      toDoctor('M1234567 to theatre at 14:00', { guardOverride: ['mrn'] }),
    );
    expect(overridden.ok).toBe(true);
    expect(guardRecords(strictTap).map((record) => record.action)).toEqual([
      'guard.blocked',
      'guard.warned',
      'guard.overridden',
    ]);
  });

  it('lets a role whose check policy turns off send anything, recording no guard record', async () => {
    const wardBefore = await conversationCount(ward);
    const sent = await office.call('message.send', {
      to: [{ kind: 'user', userId: nurse.userId }],
      title: null,
      text: `Call the family on ${PHONE}`,
      priority: 'routine',
      expiresInSeconds: null,
    });
    expect(sent.ok).toBe(true);
    expect(guardRecords(officeTap)).toEqual([]);
    // Delivered before the next test counts the nurse's conversations.
    await eventually(
      () => conversationCount(ward),
      (count) => count === wardBefore + 1,
    );
  });

  it('sends nothing when the override cannot be recorded, and nothing is recorded of it', async () => {
    const before = await conversationCount(ward);
    const written = wardTap.written.length;
    wardTap.refuse.add('guard.overridden');
    try {
      const refused = await ward.call('message.send', toDoctor(`SSN ${SSN}`, { guardOverride: ['ssn'] }));
      expect(refused).toMatchObject({ ok: false, error: { code: 'AUDIT_UNAVAILABLE' } });
    } finally {
      wardTap.refuse.delete('guard.overridden');
    }
    expect(await conversationCount(ward)).toBe(before);
    expect(wardTap.written.slice(written).map((record) => record.action)).not.toContain('guard.overridden');
  });
});
