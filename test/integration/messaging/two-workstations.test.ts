/**
 * Two clinicians at two workstations, a third who is not in the conversation, one real server:
 * the main-process core end to end (sign-in with TOTP, identity keys, vaults, sealing, relay,
 * receipts, recall), driven through each core's router exactly as the renderer drives it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../../shared/ipc/contract';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.adams', 'nurse', 'Philippa Adams', 'Ward 7B', 'Staff Nurse');
const doctor = account('dr.okafor', 'physician', 'Chidinma Okafor', 'Cardiology', 'Consultant Cardiologist');
const desk = account('desk.morgan', 'front-desk', 'Rhys Morgan', 'Reception', 'Receptionist');

const SECRET_TEXT = 'Bartholomew Quigley bed 4 potassium 5.9 please review';
const REPLY_TEXT = 'Reviewing Quigley now, start insulin dextrose';

let server: TestServer;
let a: Workstation;
let b: Workstation;
let c: Workstation;
const logLines: string[] = [];

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, desk]);
  a = createWorkstation(server.endpoint, { logLines });
  b = createWorkstation(server.endpoint, { logLines });
  c = createWorkstation(server.endpoint, { logLines });
  await signIn(a, nurse);
  await signIn(b, doctor);
  await signIn(c, desk);
}, 60_000);

afterAll(async () => {
  await Promise.all([a.close(), b.close(), c.close()]);
  await server.server.close();
});

let conversationId = '';
let firstMessage: MessageView;

describe('two workstations, one server', () => {
  it('finds the doctor in the directory with role, department and title', async () => {
    const found = await a.call('directory.search', { query: 'okafor' });
    expect(found.ok && found.value.entries).toEqual([
      expect.objectContaining({
        kind: 'user',
        userId: 'dr.okafor',
        role: 'physician',
        department: 'Cardiology',
        title: 'Consultant Cardiologist',
      }),
    ]);
  });

  it('delivers a message that only the recipient can read', async () => {
    const sent = await a.call('message.send', {
      to: [{ kind: 'user', userId: 'dr.okafor' }],
      title: null,
      text: SECRET_TEXT,
      priority: 'urgent',
      expiresInSeconds: null,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    conversationId = sent.value.conversationId;

    await b.waitForEvent('thread.changed', (p) => p.conversationId === conversationId);
    const list = await b.call('conversations.list', { offset: 0, limit: 50 });
    expect(list.ok && list.value.items).toEqual([
      expect.objectContaining({
        id: conversationId,
        label: 'Philippa Adams',
        unreadCount: 1,
        unreadPriority: 'urgent',
      }),
    ]);
    const received = await openThread(b, conversationId);
    expect(received.messages).toHaveLength(1);
    firstMessage = received.messages[0]!;
    expect(firstMessage).toMatchObject({
      text: SECRET_TEXT,
      senderName: 'Philippa Adams',
      direction: 'in',
      priority: 'urgent',
    });
    // Both sides hold the conversation from its first message: nothing earlier to offer.
    expect(received.more).toBe(false);
    expect((await openThread(a, conversationId)).more).toBe(false);
  });

  it('shows the sender the message delivered, then read', async () => {
    const seen = await eventually(
      () => openThread(a, conversationId),
      (t) => t.messages[0]?.state === 'read',
    );
    expect(seen.messages[0]).toMatchObject({
      text: SECRET_TEXT,
      direction: 'out',
      deliveredCount: 1,
      readCount: 1,
      recipientCount: 1,
    });
  });

  it('carries the reply back the other way', async () => {
    const reply = await b.call('message.send', {
      conversationId,
      text: REPLY_TEXT,
      priority: 'routine',
      expiresInSeconds: null,
    });
    expect(reply.ok).toBe(true);
    const t = await eventually(
      () => openThread(a, conversationId),
      (value) => value.messages.length === 2,
    );
    expect(t.messages.map((m) => [m.senderName, m.text])).toEqual([
      ['Philippa Adams', SECRET_TEXT],
      ['Chidinma Okafor', REPLY_TEXT],
    ]);
  });

  it('recalls a message: it disappears from the recipient', async () => {
    expect(await a.call('message.recall', { messageId: firstMessage.id })).toEqual({ ok: true, value: {} });
    const t = await eventually(
      () => openThread(b, conversationId),
      (value) => value.messages.find((m) => m.id === firstMessage.id)?.recalledAt !== null,
    );
    expect(t.messages.find((m) => m.id === firstMessage.id)).toMatchObject({ text: null });
    // Only the sender may recall.
    const replyId = t.messages.find((m) => m.text === REPLY_TEXT)?.id ?? '';
    expect(await a.call('message.recall', { messageId: replyId })).toMatchObject({
      ok: false,
      error: { code: 'RECALL_NOT_ALLOWED' },
    });
  });

  it('never gives the third user anything', async () => {
    const list = await c.call('conversations.list', { offset: 0, limit: 50 });
    expect(list).toEqual({ ok: true, value: { items: [], total: 0 } });
    expect(await c.call('conversation.open', { conversationId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('leaves no message text in the server database files or any log', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else files.push(full);
      }
    };
    walk(server.dataDir);
    expect(files.length).toBeGreaterThan(10);
    for (const needle of ['Bartholomew', 'Quigley', 'insulin dextrose']) {
      for (const file of files) expect(readFileSync(file).includes(needle), `${needle} in ${file}`).toBe(false);
      expect(logLines.join('').includes(needle)).toBe(false);
    }
    expect(logLines.length).toBeGreaterThan(0);
  });
});
