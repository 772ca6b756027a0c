/**
 * A STAT message nobody has acknowledged keeps re-alerting its recipient while their
 * workstation is locked (main/session/locked-watch.ts): the vault is closed, so the watch
 * re-alerts for what waited at lock and for urgent messages that arrived since, with the same
 * count-only notice, and stops for a message someone acknowledged. A message stored as the lock
 * came is not counted again by the watch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, type Workstation } from '../../support/workstation';

const nurse = account('nurse.abara', 'nurse', 'Ngozi Abara', 'Ward 2', 'Staff Nurse');
const doctor = account('dr.lind', 'physician', 'Erik Lind', 'Cardiology', 'Registrar');
const ROLE = 'role:cardiology-registrar';
const MINUTE = 60_000;

let server: TestServer;
let offset = 0;
let ward: Workstation;
let pocket: Workstation;
let desk: Workstation;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor], {
    now: () => Date.now() + offset,
    escalation: { repeatEveryMs: MINUTE, backupAfterMs: 5 * MINUTE, everyoneAfterMs: 10 * MINUTE },
  });
  // No shift: a STAT message reaches the one member at once, with re-alerts every minute.
  await server.server.admin.createRoleAddress({
    addressId: ROLE,
    displayName: 'Cardiology registrar',
    department: 'Cardiology',
    description: 'Bleep 4411',
    members: [doctor.userId],
  });
  ward = createWorkstation(server.endpoint, { sessionTickMs: 50, policy: { pinMinLength: 4 } });
  pocket = createWorkstation(server.endpoint);
  desk = createWorkstation(server.endpoint);
  await signIn(ward, doctor);
  await signIn(desk, nurse);
  await signIn(pocket, doctor, 1);
  expect((await ward.call('session.setPin', { pin: '5173', password: null })).ok).toBe(true);
}, 60_000);

afterAll(async () => {
  await Promise.all([ward.close(), pocket.close(), desk.close()]);
  await server.server.close();
});

async function sendStat(text: string): Promise<string> {
  await desk.call('directory.search', { query: 'cardiology registrar' });
  const sent = await desk.call('message.send', {
    to: [{ kind: 'role', addressId: ROLE }],
    title: null,
    text,
    priority: 'stat',
    expiresInSeconds: null,
  });
  if (!sent.ok) throw new Error(sent.error.code);
  return sent.value.messageId;
}

/** Moves the server's clock on and releases what fell due. */
async function after(ms: number): Promise<void> {
  offset += ms;
  await server.server.releaseDueEscalations();
}

const notice = (body: string) => ward.waitForEvent('notification.show', (p) => p.body === body, 10_000);
const bodies = () =>
  ward.events.flatMap((event) => (event.name === 'notification.show' ? [JSON.stringify(event.payload)] : []));

describe('re-alerts while the workstation is locked', () => {
  it('raise the count-only notice for what waited at lock and what arrived since, until acknowledged elsewhere', async () => {
    const first = await sendStat('Bed 4 VT, pulse present');
    await notice('New secure message');
    expect((await ward.call('session.lock', {})).ok).toBe(true);
    ward.events.length = 0;

    // Waited at lock: the vault closed, the watch still re-alerts.
    await after(MINUTE);
    await notice('Urgent secure message awaiting your acknowledgement');

    // Arrived while locked: a new-message notice now, and re-alerted with the first.
    // The first was stored before the lock closed the vault, and is not counted again.
    await sendStat('Bed 7 SpO2 82%');
    await notice('2 new secure messages');
    expect(bodies().filter((body) => body.includes('new secure message'))).toHaveLength(1);
    ward.events.length = 0;
    await after(MINUTE);
    await notice('2 urgent secure messages awaiting your acknowledgement');

    // The doctor takes the first on another device: one waits now.
    await eventually(
      () => pocket.call('message.acknowledge', { messageId: first, reply: 'on-my-way' }),
      (result) => result.ok,
    );
    ward.events.length = 0;
    await after(MINUTE);
    await notice('Urgent secure message awaiting your acknowledgement');

    expect(bodies()).toEqual([
      JSON.stringify({ title: 'Wardline', body: 'Urgent secure message awaiting your acknowledgement' }),
    ]);
    const everything = JSON.stringify(ward.events);
    for (const secret of ['Bed', 'VT', 'SpO2', 'Abara', 'Ngozi']) expect(everything).not.toContain(secret);
  });
});
