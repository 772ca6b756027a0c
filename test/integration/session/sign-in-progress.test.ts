/**
 * The steps main reports while a sign-in or an unlock runs (`session.progress`), which the screen
 * shows once an attempt has taken over a second: in the order they happen, each attempt ending
 * with null whether it succeeded or not, and naming steps only (never a user id or a secret).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, totpCode, type TestServer } from '../../support/messaging-server';
import { createWorkstation, type Workstation } from '../../support/workstation';

const nurse = account('nurse.amadi', 'nurse', 'Chidi Amadi', 'Ward 3', 'Staff Nurse');

let server: TestServer;
let station: Workstation;

/** The steps reported since `from` (an index into the station's events). */
const stepsSince = (from: number) =>
  station.events
    .slice(from)
    .filter((event) => event.name === 'session.progress')
    .map((event) => (event.payload as { step: string | null }).step);

beforeAll(async () => {
  server = await startTestServer([nurse]);
  station = createWorkstation(server.endpoint);
}, 60_000);

afterAll(async () => {
  await station.close();
  await server.server.close();
});

describe('sign-in progress', () => {
  it('ends a refused password with null, having said only that it was checking it', async () => {
    const from = station.events.length;
    const refused = await station.call('session.signIn', { userId: nurse.userId, password: 'not the password' });
    expect(refused.ok).toBe(false);
    expect(stepsSince(from)).toEqual(['credentials', null]);
  });

  it('reports the password, the code, the keys and the messages, in that order, then null', async () => {
    const from = station.events.length;
    await signIn(station, nurse);
    expect(stepsSince(from)).toEqual(['credentials', null, 'code', 'keys', 'messages', null]);
    const payloads = JSON.stringify(station.events.slice(from).filter((event) => event.name === 'session.progress'));
    for (const secret of [nurse.userId, nurse.password, nurse.displayName]) expect(payloads).not.toContain(secret);
  });

  it('ends a wrong code with null', async () => {
    await station.call('session.signOut', {});
    await station.call('session.signIn', { userId: nurse.userId, password: nurse.password });
    const from = station.events.length;
    const wrong = String((Number(totpCode(nurse, 1)) + 1) % 1_000_000).padStart(6, '0');
    const refused = await station.call('session.verifyMfa', { code: wrong });
    expect(refused.ok).toBe(false);
    expect(stepsSince(from)).toEqual(['code', null]);
    await station.call('session.cancelSignIn', {});
  });

  it('reports the password and the messages while unlocking, and null after a wrong password too', async () => {
    // The current step's code was spent by the sign-in above: the next step's is accepted.
    await signIn(station, nurse, 1);
    expect((await station.call('session.lock', {})).ok).toBe(true);
    let from = station.events.length;
    expect((await station.call('session.unlock', { password: 'not the password' })).ok).toBe(false);
    expect(stepsSince(from)).toEqual(['credentials', 'messages', null]);
    from = station.events.length;
    expect((await station.call('session.unlock', { password: nurse.password })).ok).toBe(true);
    expect(stepsSince(from)).toEqual(['credentials', 'messages', null]);
  });
});
