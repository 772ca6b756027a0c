/**
 * Sign-in at a workstation against the real server: the first sign-in creates the vault and
 * publishes identity keys, later ones unlock; every failure has its own clear code, and none of
 * them reveals whether a user id exists.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, totpCode, type TestServer } from '../../support/messaging-server';
import { tempDir } from '../../support/vault-fixtures';
import { createWorkstation, type Workstation } from '../../support/workstation';

const nurse = account('nurse.carter', 'nurse', 'Imani Carter', 'Ward 5', 'Staff Nurse');
const porter = account('porter.evans', 'nurse', 'Gwen Evans', 'Ward 5', 'Healthcare Assistant');
const newcomer = { ...account('nurse.diaz', 'nurse', 'Lucia Diaz', 'Ward 5', 'Student Nurse'), totpSecret: undefined };

let server: TestServer;
const stations: Workstation[] = [];
const station = (dataDir?: string, endpoint = server.endpoint) => {
  const created = createWorkstation(endpoint, dataDir === undefined ? {} : { dataDir });
  stations.push(created);
  return created;
};

beforeAll(async () => {
  server = await startTestServer([nurse, porter]);
  await server.server.admin.createAccount(newcomer);
}, 60_000);

afterAll(async () => {
  await Promise.all(stations.map((s) => s.close()));
  await server.server.close();
});

describe('sign-in', () => {
  it('creates the vault on the first sign-in here and unlocks it on the next', async () => {
    const dataDir = tempDir('wardline-ws-');
    const first = station(dataDir);
    await signIn(first, nurse);
    expect(readdirSync(path.join(dataDir, 'vaults'))).toHaveLength(1);
    expect(await first.call('session.signOut', {})).toEqual({ ok: true, value: { state: 'signed-out' } });
    // The same workstation again (a fresh process), next TOTP step: the same vault opens.
    await first.close();
    const again = station(dataDir);
    await signIn(again, nurse, 1);
    expect(readdirSync(path.join(dataDir, 'vaults'))).toHaveLength(1);
    await again.call('session.signOut', {});
  });

  it('answers a wrong password and an unknown user id with the same error', async () => {
    const ws = station();
    const wrong = await ws.call('session.signIn', { userId: nurse.userId, password: 'not the password' });
    const unknown = await ws.call('session.signIn', { userId: 'nobody.here', password: 'not the password' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
    expect(unknown).toEqual(wrong);
  });

  it('refuses a wrong authentication code, lets the clinician retry, and refuses a code without a sign-in', async () => {
    const ws = station();
    expect(await ws.call('session.verifyMfa', { code: '123456' })).toMatchObject({
      ok: false,
      error: { code: 'NO_SIGN_IN_IN_PROGRESS' },
    });
    expect(await ws.call('session.signIn', { userId: nurse.userId, password: nurse.password })).toEqual({
      ok: true,
      value: { step: 'mfa' },
    });
    // Not yet used by this account (the first test used steps 0 and 1); never accepted here either.
    const right = totpCode(nurse, 1);
    const wrongCode = right === '000000' ? '111111' : '000000';
    expect(await ws.call('session.verifyMfa', { code: wrongCode })).toMatchObject({
      ok: false,
      error: { code: 'MFA_INVALID' },
    });
    expect(await ws.call('session.cancelSignIn', {})).toEqual({ ok: true, value: { state: 'signed-out' } });
    expect(await ws.call('session.verifyMfa', { code: right })).toMatchObject({
      ok: false,
      error: { code: 'NO_SIGN_IN_IN_PROGRESS' },
    });
  });

  it('enrolls a new account in MFA with an otpauth URI, then signs it in with the first code', async () => {
    const ws = station();
    const first = await ws.call('session.signIn', { userId: newcomer.userId, password: newcomer.password });
    if (!first.ok || first.value.step !== 'enroll-mfa') throw new Error(JSON.stringify(first));
    const uri = new URL(first.value.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    const secret = uri.searchParams.get('secret') ?? '';
    const verified = await ws.call('session.verifyMfa', { code: totpCode({ ...nurse, totpSecret: secret }) });
    expect(verified.ok && verified.value.state).toBe('unlocked');
    await ws.call('session.signOut', {});
  });

  it('says the server is unreachable when it is, and that it is untrusted when its CA is not the pinned one', async () => {
    const down = station(undefined, { url: 'https://127.0.0.1:9', caPem: server.endpoint.caPem });
    expect(await down.call('session.signIn', { userId: nurse.userId, password: nurse.password })).toMatchObject({
      ok: false,
      error: { code: 'SERVER_UNREACHABLE' },
    });
    const otherServer = await startTestServer([]);
    try {
      const wrongCa = station(undefined, { url: server.endpoint.url, caPem: otherServer.endpoint.caPem });
      expect(await wrongCa.call('session.signIn', { userId: nurse.userId, password: nurse.password })).toMatchObject({
        ok: false,
        error: { code: 'SERVER_UNTRUSTED' },
      });
    } finally {
      await otherServer.server.close();
    }
  });

  it('refuses messaging channels before sign-in', async () => {
    const ws = station();
    expect(await ws.call('conversations.list', { offset: 0, limit: 10 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_SIGNED_IN' },
    });
  });

  it('keeps a damaged device identity for IT and says so, instead of registering a new one', async () => {
    const dataDir = tempDir('wardline-ws-');
    const ws = station(dataDir);
    await signIn(ws, porter);
    await ws.call('session.signOut', {});
    await ws.close();
    const file = path.join(dataDir, 'machine', 'device-identity.json');
    expect(existsSync(file)).toBe(true);
    writeFileSync(file, '{"format":"wardline-device-identity"');
    const damaged = station(dataDir);
    expect(await damaged.call('session.signIn', { userId: porter.userId, password: porter.password })).toMatchObject({
      ok: false,
      error: { code: 'DEVICE_IDENTITY_UNUSABLE' },
    });
    expect(readFileSync(file, 'utf8')).toBe('{"format":"wardline-device-identity"');
  });
});
