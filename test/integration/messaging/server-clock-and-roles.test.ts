/**
 * The workstation's side of two relay rules (issue 14, items 10 and 11):
 *
 * - Threads are ordered and dated by the server's acceptance time, never the sender's clock: a
 *   message signed four minutes in the future (within the skew the server allows) does not stay
 *   below later ones, and a recall is shown at the server's time of it.
 * - Compose refuses a recipient whose role receives no messages (a compliance officer, an IT
 *   administrator), naming them, before anything is sealed; a role address reaches only its
 *   members who receive messages; and the server's own refusal reaches the client named.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealEnvelope } from '../../../main/crypto/envelope-seal';
import { signRecall } from '../../../shared/node/crypto/recall-signature';
import { appCodeOf } from '../../../main/server-link/api-error-code';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { openRawSession, type RawSession } from '../../support/raw-session';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.quinn', 'nurse', 'Ada Quinn', 'Ward 6', 'Staff Nurse');
const doctor = account('dr.osei', 'physician', 'Kofi Osei', 'Cardiology', 'Registrar');
const fastClock = account('nurse.fast', 'nurse', 'Eli Fast', 'Ward 6', 'Staff Nurse');
const compliance = account('co.marsh', 'compliance-officer', 'Rita Marsh', 'Compliance', 'Privacy Officer');
const MINUTE = 60_000;

let server: TestServer;
let a: Workstation;
let b: Workstation;
let c: Workstation;
let raw: RawSession;
let complianceRaw: RawSession;

async function keyOf(session: RawSession, userId: string): Promise<string> {
  const found = await session.api.call('lookupKeys', { userIds: [userId] }, session.session.token);
  const key = found.ok ? found.value.users[0]?.publicKeys?.encryption : undefined;
  if (key === undefined) throw new Error(`${userId} has no key`);
  return key;
}

/** An envelope from the raw session's user to `to`, signed at `sentAt` by their clock. */
async function rawEnvelope(to: string, conversationId: string, text: string, sentAt: number) {
  if (raw.identity === null) throw new Error('no identity');
  return sealEnvelope({
    header: {
      v: 1,
      id: randomUUID(),
      conversationId,
      sender: { userId: fastClock.userId, deviceId: raw.deviceId },
      recipients: [to],
      sentAt,
      expiresAt: null,
      priority: 'routine',
    },
    body: {
      kind: 'text',
      text,
      conversation: {
        kind: 'direct',
        title: null,
        participants: [to, fastClock.userId],
        roleAddress: null,
        startedAt: sentAt,
      },
    },
    recipientKeys: [
      { recipient: to, encryptionKey: await keyOf(raw, to) },
      { recipient: fastClock.userId, encryptionKey: Buffer.from(raw.identity.encryption.publicKey).toString('base64') },
    ],
    signingKey: raw.identity.signing.privateKey,
  });
}

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, fastClock, compliance]);
  await server.server.admin.createRoleAddress({
    addressId: 'role:night-cardiology',
    displayName: 'Night cardiology',
    department: 'Cardiology',
    description: 'Cardiology registrar on nights',
    members: [doctor.userId, compliance.userId],
  });
  a = createWorkstation(server.endpoint);
  b = createWorkstation(server.endpoint);
  c = createWorkstation(server.endpoint);
  await signIn(a, nurse);
  await signIn(b, doctor);
  // Signed in once, so the compliance officer has published keys: only the role stands in the way.
  await signIn(c, compliance);
  await signIn(createWorkstation(server.endpoint), fastClock);
  raw = await openRawSession(server.endpoint, fastClock, 1);
  complianceRaw = await openRawSession(server.endpoint, compliance, 1);
}, 60_000);

afterAll(async () => {
  raw.close();
  complianceRaw.close();
  await Promise.all([a.close(), b.close(), c.close()]);
  await server.server.close();
});

describe('server time on the workstation', () => {
  it('orders and dates a thread by when the server accepted each message, and a recall by the server’s time', async () => {
    const conversationId = randomUUID();
    const fast = await rawEnvelope(
      doctor.userId,
      conversationId,
      'sent by a clock four minutes fast',
      Date.now() + 4 * MINUTE,
    );
    const first = await raw.api.call('send', { envelope: fast }, raw.session.token);
    if (!first.ok) throw new Error(first.error.code);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const onTime = await rawEnvelope(doctor.userId, conversationId, 'sent after it, by a right clock', Date.now());
    const second = await raw.api.call('send', { envelope: onTime }, raw.session.token);
    if (!second.ok) throw new Error(second.error.code);

    const thread = await eventually(
      () => openThread(b, conversationId),
      (t) => t.messages.length === 2,
    );
    expect(thread.messages.map((m) => [m.id, m.sentAt])).toEqual([
      [fast.header.id, first.value.acceptedAt],
      [onTime.header.id, second.value.acceptedAt],
    ]);
    // The conversation began with the first message, on the server's clock too: nothing older to fetch.
    expect(thread.more).toBe(false);
    const listed = await b.call('conversations.list', { offset: 0, limit: 50 });
    const row = listed.ok ? listed.value.items.find((item) => item.id === conversationId) : undefined;
    expect(row?.lastMessageAt).toBe(second.value.acceptedAt);

    // The doctor's workstation acknowledged delivery, so the recall reaches it as an event.
    await eventually(
      () => raw.api.call('feed', { after: 0, limit: 500 }, raw.session.token),
      (feed) =>
        feed.ok && feed.value.events.some((event) => event.type === 'receipt' && event.messageId === fast.header.id),
    );
    const recalledAt = Date.now() - 3 * MINUTE;
    const signature = await signRecall(
      { messageId: fast.header.id, senderId: fastClock.userId, recalledAt },
      raw.identity!.signing.privateKey,
    );
    const from = Date.now();
    expect(
      await raw.api.call('recall', { messageId: fast.header.id, recalledAt, signature }, raw.session.token),
    ).toEqual({ ok: true, value: { recalledAt } });
    const until = Date.now();
    const recalled = await eventually(
      () => openThread(b, conversationId),
      (t) => t.messages.find((m) => m.id === fast.header.id)?.recalledAt != null,
    );
    const shown = recalled.messages.find((m) => m.id === fast.header.id)?.recalledAt ?? 0;
    expect(shown).toBeGreaterThanOrEqual(from);
    expect(shown).toBeLessThanOrEqual(until);
  });
});

describe('recipients whose role receives no messages', () => {
  /** Everything the relay holds for the compliance officer: their workstation has no message view to ask. */
  async function complianceFeed() {
    const feed = await complianceRaw.api.call('feed', { after: 0, limit: 500 }, complianceRaw.session.token);
    if (!feed.ok) throw new Error(feed.error.code);
    return feed.value.events;
  }

  const send = (station: Workstation, to: readonly string[]) =>
    station.call('message.send', {
      to: to.map((userId) => ({ kind: 'user' as const, userId })),
      title: null,
      text: 'Bed 7 needs a review',
      priority: 'routine',
      expiresInSeconds: null,
    });

  it('are refused by compose, named, before anything is sealed or sent', async () => {
    expect(await send(a, [compliance.userId])).toMatchObject({
      ok: false,
      error: { code: 'RECIPIENT_NOT_PERMITTED', subjects: [compliance.userId] },
    });
    expect(await send(a, [doctor.userId, compliance.userId])).toMatchObject({
      ok: false,
      error: { code: 'RECIPIENT_NOT_PERMITTED', subjects: [compliance.userId] },
    });
    const listed = await a.call('conversations.list', { offset: 0, limit: 50 });
    expect(listed.ok && listed.value.items).toEqual([]);
    expect(await complianceFeed()).toEqual([]);
  });

  it('are left out of a role address, whose clinical members still get the message', async () => {
    const found = await a.call('directory.search', { query: 'night cardiology' });
    expect(found.ok && found.value.entries.some((entry) => entry.kind === 'role')).toBe(true);
    const sent = await a.call('message.send', {
      to: [{ kind: 'role', addressId: 'role:night-cardiology' }],
      title: null,
      text: 'Chest pain in bay 3',
      priority: 'urgent',
      expiresInSeconds: null,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    const thread = await eventually(
      () => openThread(b, sent.value.conversationId),
      (t) => t.messages.length === 1,
    );
    expect(thread.conversation.participants.map((p) => p.userId).sort()).toEqual([doctor.userId, nurse.userId].sort());
    expect(await complianceFeed()).toEqual([]);
  });

  it('refused by the server, reach the client by code and ids, and map to the same error', async () => {
    const envelope = await rawEnvelope(compliance.userId, randomUUID(), 'Straight to the relay', Date.now());
    const refused = await raw.api.call('send', { envelope }, raw.session.token);
    expect(refused).toEqual({ ok: false, error: { code: 'RECIPIENT_NOT_PERMITTED', subjects: [compliance.userId] } });
    expect(appCodeOf('RECIPIENT_NOT_PERMITTED')).toBe('RECIPIENT_NOT_PERMITTED');
    expect(appCodeOf('CLOCK_SKEW')).toBe('CLOCK_SKEW');
  });
});
