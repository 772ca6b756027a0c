/**
 * The workstation readies the next Argon2id worker whenever a sign-in or lock screen is up, and
 * the sign-in or unlock takes it (main/keys/password-kdf.ts `prepareKdf`): the app at start, after
 * a sign-in none, after a lock one again, at close none. The keys themselves are checked in
 * password-kdf.test.ts; this is when the workstation asks for a standby and that it is used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseKdfStandby } from '../../../main/keys/password-kdf';
import { workerCounts } from '../../../shared/node/workers/spawn-worker';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, type Workstation } from '../../support/workstation';

const nurse = account('nurse.standby', 'nurse', 'Nora Standby', 'Ward 7');

describe('the KDF standby at a workstation', () => {
  let server: TestServer;
  let ward: Workstation;

  beforeAll(async () => {
    server = await startTestServer([nurse]);
    // The standby is the process's: one an earlier file's workstation prepared would be counted here.
    await releaseKdfStandby();
  }, 120_000);
  afterAll(async () => {
    await server.server.close();
  }, 60_000);

  it('is ready at the sign-in screen, taken by the sign-in, ready again at the lock screen, gone at close', async () => {
    // Counts are of KDF workers (an unlocked session has a store and a cipher worker of its own).
    const base = workerCounts('kdf-worker');
    ward = createWorkstation(server.endpoint);
    expect(workerCounts('kdf-worker')).toEqual({ spawned: base.spawned + 1, live: base.live + 1 });

    await signIn(ward, nurse);
    // The sign-in's derivation ran in the standby and exited; no new one while unlocked.
    await expect.poll(() => workerCounts('kdf-worker').live).toBe(base.live);
    const signedIn = workerCounts('kdf-worker').spawned;
    expect(signedIn).toBe(base.spawned + 1);

    expect(await ward.call('session.lock', {})).toMatchObject({ ok: true });
    expect(workerCounts('kdf-worker')).toEqual({ spawned: signedIn + 1, live: base.live + 1 });
    const unlocked = await ward.call('session.unlock', { password: nurse.password });
    expect(unlocked.ok && unlocked.value.state).toBe('unlocked');
    // The unlock took the standby: no worker started for it, none left.
    expect(workerCounts('kdf-worker')).toEqual({ spawned: signedIn + 1, live: base.live });

    expect(await ward.call('session.lock', {})).toMatchObject({ ok: true });
    expect(workerCounts('kdf-worker').live).toBe(base.live + 1);
    await ward.close();
    await expect.poll(() => workerCounts('kdf-worker').live).toBe(base.live);
  }, 60_000);
});
