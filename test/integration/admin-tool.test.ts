/**
 * `npm run admin` (launch/admin-tool.ts) against a real server, as IT would use it: the first
 * admin made through the data folder (the running server's local endpoint, or its database when
 * it is stopped), then everyday commands signed in as that admin with password and code, each
 * request checked before it leaves, and refusals as exit codes a script can act on.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../server/accounts/totp';
import { runAdminTool, type ToolIo } from '../../launch/admin-tool';
import { startTestServer, type TestServer } from '../support/messaging-server';
import { tempDir } from '../support/vault-fixtures';
import { createWorkstation } from '../support/workstation';

let server: TestServer;
/** The server's clock runs a TOTP step ahead per sign-in, so each has a code of its own. */
let ahead = 0;
const serverNow = () => Date.now() + ahead;
let adminSecret = '';
const adminPassword = 'an admin passphrase of some length';
const deviceFile = path.join(tempDir('wardline-admin-tool-'), 'device.json');

interface Ran {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function run(argv: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  let out = '';
  let err = '';
  const io: ToolIo = {
    env,
    out: (text) => (out += text),
    err: (text) => (err += text),
    prompt: () => Promise.reject(new Error('the test answers no prompts')),
    now: serverNow,
  };
  return { code: await runAdminTool(argv, io), out, err };
}

/** The enrollment code a command printed. */
const codeOf = (ran: Ran) => (JSON.parse(ran.out) as { enrollment: { code: string } }).enrollment.code;

const serverFlags = () => [
  '--server',
  server.server.url,
  '--ca',
  server.server.caCertPath,
  '--device-file',
  deviceFile,
];

/** Signed in as the admin with the next code. */
async function asAdmin(argv: readonly string[], password = adminPassword): Promise<Ran> {
  ahead += 30_000;
  const code = totpCodeAt(adminSecret, serverNow());
  return run([...serverFlags(), '--user', 'it.okoro', '--code', code, ...argv], { WARDLINE_ADMIN_PASSWORD: password });
}

beforeAll(async () => {
  server = await startTestServer([], { now: serverNow });
}, 60_000);

afterAll(async () => {
  await server.server.close().catch(() => undefined);
});

describe('the first admin', () => {
  it('is made through the running server’s data folder, and enrolls like anyone else', async () => {
    const made = await run(['create-admin', 'it.okoro', '--name', 'Ifeoma Okoro', '--data', server.dataDir]);
    expect(made.code).toBe(0);
    const { enrollment } = JSON.parse(made.out) as { enrollment: { code: string } };
    expect(made.err).toMatch(/^Enrollment code [0-9A-Z]{4}(-[0-9A-Z]{4}){4}, good once until /);
    const station = createWorkstation(server.endpoint);
    try {
      const answer = await station.call('session.enroll', {
        userId: 'it.okoro',
        enrollmentCode: enrollment.code,
        password: adminPassword,
      });
      if (!answer.ok || answer.value.step !== 'enroll-mfa') throw new Error(JSON.stringify(answer));
      adminSecret = OTPAuth.URI.parse(answer.value.otpauthUri).secret.base32;
      ahead += 30_000;
      const verified = await station.call('session.verifyMfa', { code: totpCodeAt(adminSecret, serverNow()) });
      expect(verified).toMatchObject({ ok: true, value: { state: 'unlocked', user: { role: 'it-admin' } } });
    } finally {
      await station.close();
    }
  });

  it('is not made twice by accident: a second needs --another', async () => {
    const again = await run(['create-admin', 'it.second', '--name', 'Second Admin', '--data', server.dataDir]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('an IT admin already exists');
  });
});

describe('everyday commands', () => {
  it('creates a person and prints the enrollment code to hand over', async () => {
    const created = await asAdmin([
      'create',
      'nurse.kim',
      '--name',
      'Min-jun Kim',
      '--role',
      'nurse',
      '--department',
      'Ward 3',
      '--title',
      'Staff Nurse',
    ]);
    expect(created).toMatchObject({ code: 0 });
    expect(codeOf(created)).toMatch(/^[0-9A-Z]{20}$/);
    const found = await asAdmin(['search', 'kim']);
    expect(JSON.parse(found.out)).toMatchObject({
      accounts: [{ userId: 'nurse.kim', enrollment: 'pending', active: true }],
    });
  });

  it('refuses a malformed request before signing in, and a destructive one without --confirm', async () => {
    const badRole = await run([
      ...serverFlags(),
      '--user',
      'it.okoro',
      'create',
      'nurse.lee',
      '--name',
      'Lee',
      '--role',
      'wizard',
      '--department',
      'x',
      '--title',
      'y',
    ]);
    expect(badRole.code).toBe(2);
    expect(badRole.err).toContain('not a valid request (role)');
    const unconfirmed = await run([...serverFlags(), '--user', 'it.okoro', 'reset-password', 'nurse.kim']);
    expect(unconfirmed.code).toBe(2);
    const notAdminRoute = await run([...serverFlags(), '--user', 'it.okoro', 'call', 'send', '{}']);
    expect(notAdminRoute.code).toBe(2);
    expect(notAdminRoute.err).toContain('send is not an admin route');
  });

  it('resets a password once confirmed (signed in just now, which is fresh) and says so', async () => {
    const reset = await asAdmin(['reset-password', 'nurse.kim', '--confirm']);
    expect(reset).toMatchObject({ code: 0 });
    expect(JSON.parse(reset.out)).toMatchObject({ sessionsEnded: 0 });
    expect(codeOf(reset)).toMatch(/^[0-9A-Z]{20}$/);
  });

  it('says a damaged device file is damaged, and leaves it as it was', async () => {
    const damaged = path.join(tempDir('wardline-admin-tool-'), 'device.json');
    writeFileSync(damaged, '{"deviceId": "not json at all');
    const ran = await run(
      [
        '--server',
        server.server.url,
        '--ca',
        server.server.caCertPath,
        '--device-file',
        damaged,
        '--user',
        'it.okoro',
        'search',
      ],
      { WARDLINE_ADMIN_PASSWORD: adminPassword },
    );
    expect(ran.code).toBe(1);
    expect(ran.err).toContain('is damaged');
    expect(readFileSync(damaged, 'utf8')).toBe('{"deviceId": "not json at all');
  });

  it('answers a wrong password and a non-admin with a refusal, exit 1', async () => {
    const wrong = await asAdmin(['search'], 'not the password at all');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('INVALID_CREDENTIALS');
  });
});

describe('with the server stopped', () => {
  it('makes another admin straight in its database, on purpose only', async () => {
    await server.server.close();
    const another = await run([
      'create-admin',
      'it.backup',
      '--name',
      'Backup Admin',
      '--data',
      server.dataDir,
      '--another',
    ]);
    expect(another.code).toBe(0);
    expect(codeOf(another)).toMatch(/^[0-9A-Z]{20}$/);
  });
});
