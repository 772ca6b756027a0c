/**
 * The role address in the signed header, between real workstations and a real server: every
 * message of a role conversation names its address (the first to the address and the member's
 * reply alike), a direct message names none, and a conversation a sender only claimed was to an
 * address (none of its members in it) gets replies that name none, which the server takes. A
 * receiving workstation refuses a message whose sealed body names another address than its
 * signed header (ROLE_ADDRESS_MISMATCH, never shown) and takes one where they agree, where only
 * the header names it, or where only the body does (an earlier build's).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../shared/protocol/envelope';
import { sealHostileEnvelope } from '../../support/hostile-envelope';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { openRawSession, type RawSession } from '../../support/raw-session';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.quinn', 'nurse', 'Ada Quinn', 'Ward 6', 'Staff Nurse');
const doctor = account('dr.osei', 'physician', 'Kofi Osei', 'Cardiology', 'Registrar');
const mallory = account('nurse.grey', 'nurse', 'Morgan Grey', 'Ward 9', 'Staff Nurse');
const ONCALL = 'role:night-cardiology';
const STROKE = 'role:stroke-team';

let server: TestServer;
let ward: Workstation;
let clinic: Workstation;
let hostile: Workstation;
let raw: RawSession;
const clinicLog: string[] = [];

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, mallory]);
  const address = (addressId: string, displayName: string) => ({
    addressId,
    displayName,
    department: 'Cardiology',
    description: '',
    members: [doctor.userId],
  });
  await server.server.admin.createRoleAddress(address(ONCALL, 'Night cardiology'));
  await server.server.admin.createRoleAddress(address(STROKE, 'Stroke team'));
  ward = createWorkstation(server.endpoint);
  clinic = createWorkstation(server.endpoint, { logLines: clinicLog });
  hostile = createWorkstation(server.endpoint);
  await signIn(ward, nurse);
  await signIn(clinic, doctor);
  // Mallory's first sign-in publishes its keys; a session of its own then reads and crafts envelopes.
  await signIn(hostile, mallory);
  raw = await openRawSession(server.endpoint, mallory, 1);
}, 60_000);

afterAll(async () => {
  raw.close();
  await Promise.all([ward.close(), clinic.close(), hostile.close()]);
  await server.server.close();
});

/** The envelopes of a conversation as the server holds them, read by a participant's session. */
async function headersOf(session: RawSession, conversationId: string): Promise<Envelope['header'][]> {
  const answer = await session.api.call('history', { conversationId, before: null, limit: 50 }, session.session.token);
  if (!answer.ok) throw new Error(answer.error.code);
  return answer.value.envelopes.map((stored) => stored.envelope.header).reverse();
}

async function listed(station: Workstation, conversationId: string): Promise<boolean> {
  const list = await station.call('conversations.list', { offset: 0, limit: 50 });
  return list.ok && list.value.items.some((item) => item.id === conversationId);
}

describe('the role address a workstation names in the header', () => {
  it('is on every message of a role conversation, the member’s reply too, and on no direct message', async () => {
    await ward.call('directory.search', { query: 'night cardiology' });
    const sent = await ward.call('message.send', {
      to: [{ kind: 'role', addressId: ONCALL }],
      title: null,
      text: 'Bay 2 needs review',
      priority: 'urgent',
      expiresInSeconds: null,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    const { conversationId } = sent.value;
    await eventually(
      () => openThread(clinic, conversationId),
      (thread) => thread.messages.length === 1,
    );
    const reply = await clinic.call('message.send', {
      conversationId,
      text: 'Coming',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!reply.ok) throw new Error(reply.error.code);
    const doctorRaw = await openRawSession(server.endpoint, doctor, 1);
    try {
      const headers = await eventually(
        () => headersOf(doctorRaw, conversationId),
        (found) => found.length === 2,
      );
      expect(headers.map((header) => [header.sender.userId, header.roleAddress])).toEqual([
        [nurse.userId, ONCALL],
        [doctor.userId, ONCALL],
      ]);
      const direct = await ward.call('message.send', {
        to: [{ kind: 'user', userId: doctor.userId }],
        title: null,
        text: 'Bay 2 bloods back',
        priority: 'routine',
        expiresInSeconds: null,
      });
      if (!direct.ok) throw new Error(direct.error.code);
      const [first] = await eventually(
        () => headersOf(doctorRaw, direct.value.conversationId),
        (found) => found.length === 1,
      );
      expect(first).toBeDefined();
      expect(first).not.toHaveProperty('roleAddress');
    } finally {
      doctorRaw.close();
    }
  });

  it('is left off a reply in a conversation a sender only claimed was to an address, so the reply goes', async () => {
    const conversationId = randomUUID();
    const envelope = await sealHostileEnvelope(raw, {
      to: nurse.userId,
      conversationId,
      text: 'Call me back about bed 4',
      priority: 'routine',
      conversation: {
        kind: 'role',
        title: null,
        participants: [nurse.userId, mallory.userId],
        roleAddress: { id: ONCALL, displayName: 'Night cardiology' },
      },
    });
    const accepted = await raw.api.call('send', { envelope }, raw.session.token);
    expect(accepted.ok).toBe(true);
    const thread = await eventually(
      () => openThread(ward, conversationId),
      (found) => found.messages.length === 1,
    );
    // The directory knows the address, so the thread names it; none of its members is in it.
    expect(thread.conversation.roleAddress).toEqual({ id: ONCALL, displayName: 'Night cardiology' });
    const reply = await ward.call('message.send', {
      conversationId,
      text: 'Who is this?',
      priority: 'routine',
      expiresInSeconds: null,
    });
    expect(reply.ok).toBe(true);
    const headers = await eventually(
      () => headersOf(raw, conversationId),
      (found) => found.length === 2,
    );
    expect(headers.map((header) => [header.sender.userId, header.roleAddress])).toEqual([
      [mallory.userId, undefined],
      [nurse.userId, undefined],
    ]);
  });

  it('is checked against the sealed body by the receiving workstation: another address is refused, never shown', async () => {
    const send = async (header: string | undefined, body: string | null) => {
      const conversationId = randomUUID();
      const envelope = await sealHostileEnvelope(raw, {
        to: doctor.userId,
        conversationId,
        text: 'Bed 7 ECG attached',
        priority: 'urgent',
        ...(header === undefined ? {} : { roleAddress: header }),
        conversation: {
          kind: body === null ? 'direct' : 'role',
          title: null,
          participants: [doctor.userId, mallory.userId],
          roleAddress: body === null ? null : { id: body, displayName: body },
        },
      });
      const accepted = await raw.api.call('send', { envelope }, raw.session.token);
      if (!accepted.ok) throw new Error(accepted.error.code);
      return conversationId;
    };
    const mismatched = await send(ONCALL, STROKE);
    const agreeing = await send(ONCALL, ONCALL);
    const headerOnly = await send(ONCALL, null);
    const bodyOnly = await send(undefined, ONCALL);

    for (const taken of [agreeing, headerOnly, bodyOnly])
      await eventually(
        () => listed(clinic, taken),
        (found) => found,
      );
    expect(await listed(clinic, mismatched)).toBe(false);
    expect(clinicLog.filter((line) => line.includes('ROLE_ADDRESS_MISMATCH'))).toHaveLength(1);
    expect((await openThread(clinic, agreeing)).conversation.roleAddress).toEqual({
      id: ONCALL,
      displayName: 'Night cardiology',
    });
  });
});
