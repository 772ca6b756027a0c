/**
 * A role member who has never signed in (no published keys) does not hold back a message to the
 * role: the others get it, and the sender is told who was not reached (issue 18, item 1). Someone
 * the sender named themselves still stops the send, as before: leaving them out silently would
 * be worse than saying so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.ibarra', 'nurse', 'Lucia Ibarra', 'Ward 3', 'Staff Nurse');
const doctor = account('dr.haddad', 'physician', 'Omar Haddad', 'Cardiology', 'Registrar');
const newcomer = account('dr.novak', 'physician', 'Petra Novak', 'Cardiology', 'Registrar');

let server: TestServer;
let a: Workstation;
let b: Workstation;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, newcomer]);
  await server.server.admin.createRoleAddress({
    addressId: 'role:cardiology-oncall',
    displayName: 'On-call cardiology',
    department: 'Cardiology',
    description: 'Registrars on call',
    members: [doctor.userId, newcomer.userId],
  });
  await server.server.admin.createRoleAddress({
    addressId: 'role:cardiology-new',
    displayName: 'Cardiology newcomers',
    department: 'Cardiology',
    description: 'Nobody here has signed in',
    members: [newcomer.userId],
  });
  a = createWorkstation(server.endpoint);
  b = createWorkstation(server.endpoint);
  await signIn(a, nurse);
  await signIn(b, doctor);
  // The nurse's directory search is what makes a role address known to compose.
  const found = await a.call('directory.search', { query: 'cardiology' });
  if (!found.ok) throw new Error(found.error.code);
}, 60_000);

afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await server.server.close();
});

const send = (
  to: { kind: 'role'; addressId: string } | { kind: 'user'; userId: string },
  extra = [] as (typeof to)[],
) =>
  a.call('message.send', {
    to: [to, ...extra],
    title: null,
    text: 'Bay 2 troponin rising',
    priority: 'urgent',
    expiresInSeconds: null,
  });

describe('a role member without keys', () => {
  it('does not block a message to the role; the sender is told who was not reached', async () => {
    const sent = await send({ kind: 'role', addressId: 'role:cardiology-oncall' });
    if (!sent.ok) throw new Error(sent.error.code);
    expect(sent.value.notReached).toEqual([newcomer.userId]);
    const thread = await eventually(
      () => openThread(b, sent.value.conversationId),
      (t) => t.messages.length === 1,
    );
    expect(thread.conversation.participants.map((p) => p.userId).sort()).toEqual([doctor.userId, nurse.userId].sort());
  });

  it('still stops a message when nobody in the role can receive it', async () => {
    expect(await send({ kind: 'role', addressId: 'role:cardiology-new' })).toMatchObject({
      ok: false,
      error: { code: 'RECIPIENT_UNAVAILABLE', subjects: [newcomer.userId] },
    });
  });

  it('still stops a message to them by name, alone or beside a role', async () => {
    expect(await send({ kind: 'user', userId: newcomer.userId })).toMatchObject({
      ok: false,
      error: { code: 'RECIPIENT_UNAVAILABLE', subjects: [newcomer.userId] },
    });
    expect(
      await send({ kind: 'user', userId: newcomer.userId }, [{ kind: 'role', addressId: 'role:cardiology-oncall' }]),
    ).toMatchObject({ ok: false, error: { code: 'RECIPIENT_UNAVAILABLE', subjects: [newcomer.userId] } });
  });
});
