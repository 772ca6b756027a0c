/**
 * Replies in a conversation a STAT message escalated (main/messaging/escalation-standby.ts): the
 * message was sealed to the whole escalation chain, but a reply goes only to those it reached:
 * the person on call, the backup once their step was released, never the role's other members
 * whose step an acknowledgement cancelled. A reply names who it leaves out, and a workstation
 * refuses one that leaves out anyone no escalation plan in the thread named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealHostileEnvelope } from '../../support/hostile-envelope';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { openRawSession } from '../../support/raw-session';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.ito', 'nurse', 'Yuki Ito', 'Ward 5', 'Staff Nurse');
const onCall = account('dr.park', 'physician', 'Jin Park', 'Cardiology', 'Registrar');
const backup = account('dr.silva', 'physician', 'Ana Silva', 'Cardiology', 'Consultant');
const member = account('dr.berg', 'physician', 'Ola Berg', 'Cardiology', 'Registrar');
const itAdmin = account('it.khan', 'it-admin', 'Asha Khan', 'IT', 'Service desk');
const ROLE = 'role:cardiology-oncall';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let server: TestServer;
let offset = 0;
const stations = new Map<string, Workstation>();
const at = (who: { userId: string }) => stations.get(who.userId)!;

beforeAll(async () => {
  server = await startTestServer([nurse, onCall, backup, member, itAdmin], {
    now: () => Date.now() + offset,
    escalation: { repeatEveryMs: null, backupAfterMs: 2 * MINUTE, everyoneAfterMs: 4 * MINUTE },
  });
  await server.server.admin.createRoleAddress({
    addressId: ROLE,
    displayName: 'On-call cardiology',
    department: 'Cardiology',
    description: 'Cardiology registrar on call',
    members: [onCall.userId, backup.userId, member.userId],
  });
  for (const person of [nurse, onCall, backup, member, itAdmin]) {
    const station = createWorkstation(server.endpoint);
    stations.set(person.userId, station);
    await signIn(station, person);
  }
  const added = await at(itAdmin).call('admin.addShift', {
    addressId: ROLE,
    userId: onCall.userId,
    backupUserId: backup.userId,
    startsAt: Date.now() - HOUR,
    endsAt: Date.now() + 11 * HOUR,
  });
  expect(added.ok).toBe(true);
}, 90_000);

afterAll(async () => {
  await Promise.all([...stations.values()].map((station) => station.close()));
  await server.server.close();
});

const listed = async (station: Workstation, conversationId: string) => {
  const list = await station.call('conversations.list', { offset: 0, limit: 50 });
  return list.ok && list.value.items.some((item) => item.id === conversationId);
};

describe('a reply after an escalation', () => {
  // First: the server's clock moves on in the next test, and a raw sign-in's proof follows the real one.
  it('is refused when it leaves out someone no escalation plan in the thread named', async () => {
    const group = await at(nurse).call('message.send', {
      to: [
        { kind: 'user', userId: onCall.userId },
        { kind: 'user', userId: backup.userId },
      ],
      title: null,
      text: 'Handover list for tonight',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!group.ok) throw new Error(group.error.code);
    const { conversationId } = group.value;
    await eventually(
      () => openThread(at(onCall), conversationId),
      (thread) => thread.messages.length === 1,
    );

    // A hostile client of the nurse's seals a reply to the physician alone, calling the backup "on standby".
    const raw = await openRawSession(server.endpoint, nurse, 1);
    try {
      const envelope = await sealHostileEnvelope(raw, {
        to: onCall.userId,
        conversationId,
        text: 'Just between us',
        priority: 'routine',
        conversation: {
          kind: 'group',
          title: null,
          participants: [nurse.userId, onCall.userId, backup.userId],
          roleAddress: null,
          patient: null,
          standby: [backup.userId],
        },
      });
      const sent = await raw.api.call('send', { envelope }, raw.session.token);
      expect(sent.ok).toBe(true);
    } finally {
      raw.close();
    }
    // The feed is in order: once the next message is in, the hostile one was looked at, and refused.
    const next = await at(nurse).call('message.send', {
      conversationId,
      text: 'Bed 6 moved to bay 2',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!next.ok) throw new Error(next.error.code);
    const seen = await eventually(
      () => openThread(at(onCall), conversationId),
      (view) => view.messages.some((message) => message.text === 'Bed 6 moved to bay 2'),
    );
    expect(seen.messages.map((message) => message.text)).toEqual(['Handover list for tonight', 'Bed 6 moved to bay 2']);
  });

  it('reaches the people the STAT message reached, not the members an acknowledgement spared', async () => {
    const sent = await at(nurse).call('message.send', {
      to: [{ kind: 'role', addressId: ROLE }],
      title: null,
      text: 'Bed 3 chest pain, ST elevation',
      priority: 'stat',
      expiresInSeconds: null,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    const { conversationId, messageId } = sent.value;
    await eventually(
      () => openThread(at(onCall), conversationId),
      (thread) => thread.messages.length === 1,
    );

    // Nobody acknowledges: the backup is reached, and takes it.
    offset += 2 * MINUTE;
    await server.server.releaseDueEscalations();
    await eventually(
      () => at(backup).call('message.acknowledge', { messageId, reply: 'on-my-way' }),
      (result) => result.ok,
    );
    await eventually(
      () => openThread(at(nurse), conversationId),
      (thread) => thread.messages[0]?.acknowledgement.by.length === 1,
    );
    offset += 4 * MINUTE;
    await server.server.releaseDueEscalations();

    const reply = await at(nurse).call('message.send', {
      conversationId,
      text: 'Troponin sent, ECG on the desk',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!reply.ok) throw new Error(reply.error.code);
    for (const reached of [onCall, backup])
      await eventually(
        () => openThread(at(reached), conversationId),
        (thread) => thread.messages.length === 2,
      );
    // The member was sealed to, never reached: neither the message nor the reply is theirs.
    const ownView = await openThread(at(nurse), conversationId);
    expect(ownView.messages.map((message) => message.recipientCount)).toEqual([1, 2]);
    expect(await listed(at(member), conversationId)).toBe(false);

    // The backup's reply, from their own vault's view of who was reached, spares the member too.
    const fromBackup = await at(backup).call('message.send', {
      conversationId,
      text: 'On the ward in 5',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!fromBackup.ok) throw new Error(fromBackup.error.code);
    await eventually(
      () => openThread(at(nurse), conversationId),
      (thread) => thread.messages.length === 3,
    );
    await eventually(
      () => openThread(at(onCall), conversationId),
      (thread) => thread.messages.length === 3,
    );
    const backupView = await openThread(at(backup), conversationId);
    expect(backupView.messages[2]?.recipientCount).toBe(2);
    expect(await listed(at(member), conversationId)).toBe(false);
  });
});
