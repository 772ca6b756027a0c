/**
 * A message to a role address through the real core and server reaches whoever is on call by
 * the address's schedule (main/messaging/role-routing.ts), not every member, even when the sender
 * found the address before the shift began; with no shift covering now it reaches every member.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.quinn', 'nurse', 'Ada Quinn', 'Ward 6', 'Staff Nurse');
const onCall = account('dr.osei', 'physician', 'Kofi Osei', 'Cardiology', 'Registrar');
const offShift = account('dr.mensah', 'physician', 'Ama Mensah', 'Cardiology', 'Registrar');
const itAdmin = account('it.jones', 'it-admin', 'Sam Jones', 'IT', 'Service desk');
const ADDRESS = 'role:night-cardiology';
const HOUR = 3_600_000;

let server: TestServer;
let ward: Workstation;
let oseiStation: Workstation;
let mensahStation: Workstation;
let office: Workstation;

const sendToRole = (text: string) =>
  ward.call('message.send', {
    to: [{ kind: 'role', addressId: ADDRESS }],
    title: null,
    text,
    priority: 'urgent',
    expiresInSeconds: null,
  });

beforeAll(async () => {
  server = await startTestServer([nurse, onCall, offShift, itAdmin]);
  await server.server.admin.createRoleAddress({
    addressId: ADDRESS,
    displayName: 'Night cardiology',
    department: 'Cardiology',
    description: 'Cardiology registrar on nights',
    members: [onCall.userId, offShift.userId],
  });
  ward = createWorkstation(server.endpoint);
  oseiStation = createWorkstation(server.endpoint);
  mensahStation = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint);
  await signIn(ward, nurse);
  await signIn(oseiStation, onCall);
  await signIn(mensahStation, offShift);
  await signIn(office, itAdmin);
}, 60_000);

afterAll(async () => {
  await Promise.all([ward.close(), oseiStation.close(), mensahStation.close(), office.close()]);
  await server.server.close();
});

describe('a message to a role address with an on-call schedule', () => {
  it('reaches every member while no shift covers now', async () => {
    await ward.call('directory.search', { query: 'night cardiology' });
    const sent = await sendToRole('Bay 2 needs review');
    if (!sent.ok) throw new Error(sent.error.code);
    const thread = await eventually(
      () => openThread(ward, sent.value.conversationId),
      (t) => t.messages.length === 1,
    );
    expect(thread.conversation.participants.map((p) => p.userId).sort()).toEqual(
      [nurse.userId, onCall.userId, offShift.userId].sort(),
    );
  });

  it('reaches only the person on call once a shift covers now', async () => {
    const now = Date.now();
    const added = await office.call('admin.addShift', {
      addressId: ADDRESS,
      userId: onCall.userId,
      backupUserId: offShift.userId,
      startsAt: now - HOUR,
      endsAt: now + 11 * HOUR,
    });
    expect(added.ok).toBe(true);
    // Sent without searching again: the entry the ward found before the shift was added is stale,
    // and the send asks the directory afresh.
    const sent = await sendToRole('Chest pain in bay 3');
    if (!sent.ok) throw new Error(sent.error.code);
    const thread = await eventually(
      () => openThread(oseiStation, sent.value.conversationId),
      (t) => t.messages.length === 1,
    );
    expect(thread.conversation.participants.map((p) => p.userId).sort()).toEqual([nurse.userId, onCall.userId].sort());
    const found = await ward.call('directory.search', { query: 'night cardiology' });
    const role = found.ok ? found.value.entries.find((entry) => entry.kind === 'role') : undefined;
    expect(role?.kind === 'role' && role.onCall.map((shift) => shift.userId)).toEqual([onCall.userId]);
    const offShiftList = await mensahStation.call('conversations.list', { offset: 0, limit: 50 });
    expect(offShiftList.ok && offShiftList.value.items.some((item) => item.id === sent.value.conversationId)).toBe(
      false,
    );
  });
});
