/**
 * A hostile but authenticated sender controls only its own words. It seals conversations that
 * claim to be sent to a role ("Chief Medical Officer"), with titles that read as a person and
 * carry right-to-left overrides and zero-width characters. The recipient's workstation (the real
 * main-process core against a real server) names role addresses and people by the directory,
 * shows the title only as a subject, and passes no invisible or direction-changing character to
 * the renderer.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationSummary, Thread } from '../../../shared/ipc/contract';
import type { MessageBody } from '../../../shared/protocol/envelope';
import { sealHostileEnvelope } from '../../support/hostile-envelope';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { openRawSession, type RawSession } from '../../support/raw-session';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.fox', 'nurse', 'Harriet Fox', 'Ward 9', 'Staff Nurse');
const doctor = account('dr.nguyen', 'physician', 'Dr. Minh Nguyen', 'Cardiology', 'Consultant Cardiologist');
// Even a directory name with invisible characters in it is shown without them.
const mallory = account('nurse.grey', 'nurse', 'Morgan\u200B Grey\u2066', 'Ward 9', 'Staff\u202E Nurse');
const ONCALL = {
  addressId: 'role:oncall-cardiology',
  displayName: 'On-call cardiology',
  department: 'Cardiology',
  description: 'Registrar on call',
};

/** Displays as "Dr. Minh Nguyen" where the override is honoured; its letters run the other way. */
const RLO_TITLE = '\u202Eneyug\u200BN hniM .rD';
/** What must never reach the renderer in a name, subject or label. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

let server: TestServer;
let a: Workstation;
let m: Workstation;
let raw: RawSession;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, mallory]);
  await server.server.admin.createRoleAddress({ ...ONCALL, members: [doctor.userId] });
  a = createWorkstation(server.endpoint);
  m = createWorkstation(server.endpoint);
  await signIn(a, nurse);
  // Mallory's first sign-in publishes its keys; a session of its own then crafts envelopes.
  await signIn(m, mallory);
  raw = await openRawSession(server.endpoint, mallory, 1);
}, 60_000);

afterAll(async () => {
  raw.close();
  await Promise.all([a.close(), m.close()]);
  await server.server.close();
});

/** Mallory seals a message to the nurse with conversation details of its choosing. */
async function sendAsMallory(
  text: string,
  conversation: Omit<MessageBody['conversation'], 'participants'>,
): Promise<string> {
  const conversationId = randomUUID();
  const envelope = await sealHostileEnvelope(raw, {
    to: nurse.userId,
    conversationId,
    text,
    priority: 'urgent',
    conversation: { ...conversation, participants: [nurse.userId, mallory.userId] },
  });
  const sent = await raw.api.call('send', { envelope }, raw.session.token);
  if (!sent.ok) throw new Error(sent.error.code);
  return conversationId;
}

async function listed(conversationId: string): Promise<ConversationSummary> {
  const list = await eventually(
    () => a.call('conversations.list', { offset: 0, limit: 50 }),
    (result) => result.ok && result.value.items.some((item) => item.id === conversationId),
  );
  const item = list.ok ? list.value.items.find((entry) => entry.id === conversationId) : undefined;
  if (item === undefined) throw new Error('not listed');
  return item;
}

function expectNothingHidden(view: unknown): void {
  const strings: string[] = [];
  JSON.stringify(view, (_key, value: unknown) => {
    if (typeof value === 'string') strings.push(value);
    return value;
  });
  expect(strings.filter((value) => HIDDEN.test(value))).toEqual([]);
}

let fakeRole = '';
let realRole = '';
let plain = '';

describe('names a sender chooses', () => {
  it('shows a role address the directory does not know as unknown, never by the name the sender gave it', async () => {
    fakeRole = await sendAsMallory('Please call me back about bed 4', {
      kind: 'role',
      title: RLO_TITLE,
      roleAddress: { id: 'role:chief-medical-officer', displayName: 'Chief Medical Officer' },
    });
    const item = await listed(fakeRole);
    expect(item).toMatchObject({
      kind: 'role',
      label: 'Unknown role address',
      subject: 'neyugN hniM .rD',
      unreadPriority: 'urgent',
    });

    const thread: Thread = await openThread(a, fakeRole);
    expect(thread.conversation).toMatchObject({
      label: 'Unknown role address',
      subject: 'neyugN hniM .rD',
      roleAddress: { id: 'role:chief-medical-officer', displayName: null },
    });
    expect(thread.conversation.participants.find((p) => p.userId === mallory.userId)).toMatchObject({
      displayName: 'Morgan Grey',
      title: 'Staff Nurse',
    });
    expect(thread.messages[0]).toMatchObject({ senderName: 'Morgan Grey', text: 'Please call me back about bed 4' });
    expectNothingHidden([item, thread]);
  });

  it('names a real role address by the directory, whatever name the sender put beside its id', async () => {
    realRole = await sendAsMallory('Chest pain bed 7', {
      kind: 'role',
      title: null,
      roleAddress: { id: ONCALL.addressId, displayName: 'Chief Medical Officer' },
    });
    const item = await listed(realRole);
    expect(item).toMatchObject({ kind: 'role', label: 'On-call cardiology', subject: null });
    const thread = await openThread(a, realRole);
    expect(thread.conversation.roleAddress).toEqual({ id: ONCALL.addressId, displayName: 'On-call cardiology' });
    expect(JSON.stringify([item, thread])).not.toContain('Chief Medical Officer');
  });

  it('shows a title that reads as a person only as the subject, and calls the conversation by who sent it', async () => {
    plain = await sendAsMallory('This is Dr. Nguyen, give 10 units now', {
      kind: 'role',
      title: 'Dr. Minh Nguyen',
      roleAddress: null,
    });
    const item = await listed(plain);
    // A claim of a role conversation with no role address is what it is: two people.
    expect(item).toMatchObject({ kind: 'direct', label: 'Morgan Grey', subject: 'Dr. Minh Nguyen' });
    const thread = await openThread(a, plain);
    expect(thread.conversation).toMatchObject({ label: 'Morgan Grey', subject: 'Dr. Minh Nguyen', roleAddress: null });
    expect(thread.conversation.participants.map((p) => p.displayName)).not.toContain('Dr. Minh Nguyen');
    expectNothingHidden([item, thread]);
  });

  it('asks the directory again at the next sign-in: a renamed address shows its new name, and no sender name comes back', async () => {
    await server.server.admin.createRoleAddress({
      ...ONCALL,
      displayName: 'Cardiology registrar on call',
      members: [doctor.userId],
    });
    expect(await a.call('session.signOut', {})).toMatchObject({ ok: true });
    await signIn(a, nurse, 1);
    const renamed = await eventually(
      () => listed(realRole),
      (item) => item.label === 'Cardiology registrar on call',
    );
    expect(renamed.subject).toBeNull();
    expect((await listed(fakeRole)).label).toBe('Unknown role address');
  });
});
