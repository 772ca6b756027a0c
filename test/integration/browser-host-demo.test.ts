/**
 * `npm start` with no configuration, as a tester meets it: the browser host starts the embedded
 * demo server, says in a short block where to go and who to sign in as, logs nothing alarming,
 * and every demo account can be messaged once its keys are published (by a real first sign-in
 * each, not by the server copying the client's key format). A second `npm start` skips the
 * renderer build and the publishing.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startHostProcess, type HostProcess } from '../support/browser-host-process';
import { createWorkstation, type Workstation } from '../support/workstation';

let host: HostProcess;
let station: Workstation | null = null;
const logLines: string[] = [];

beforeAll(async () => {
  host = await startHostProcess([], {
    timeoutMs: 90_000,
    terminalLog: true,
    onLogLine: (line) => logLines.push(line),
  });
}, 120_000);

afterAll(async () => {
  await station?.close();
  await host.stop();
});

/** The demo accounts as the demo server wrote them (the test reads the secrets; the screen never shows them). */
function demoAccounts(): { userId: string; password: string; totpSecret: string; role: string }[] {
  return JSON.parse(readFileSync(path.join(host.dataDir, 'server', 'demo-accounts.json'), 'utf8')) as ReturnType<
    typeof demoAccounts
  >;
}

describe('the ready block', () => {
  it('names the address, every demo account with its role, and the command for their codes', () => {
    const [first, ...rest] = host.output.split('\n');
    expect(first).toBe(`browser host ready: ${host.url}`);
    const block = rest.join('\n');
    expect(block).toContain(`Open this address in Chromium: ${host.url}`);
    for (const account of demoAccounts())
      expect(block).toMatch(new RegExp(`^  ${account.userId} +${account.role}$`, 'm'));
    expect(block).toContain(`npm run demo:code -- --data ${path.join(host.dataDir, 'server')}`);
    // Never a secret on the screen.
    for (const account of demoAccounts()) expect(block).not.toContain(account.password);
  });
});

describe('the embedded demo', () => {
  it('signs a tester in and lets them write to any demo colleague straight away', async () => {
    const match = /^Embedded demo server: (https:\/\/\S+)$/m.exec(host.output);
    if (!match?.[1]) throw new Error(`no demo line in: ${host.output}`);
    // The keys are published after the ready block, in the background.
    await host.waitForOutput(/^Demo accounts ready: every one can be messaged\.$/m, 90_000);
    const accounts = demoAccounts();
    expect(new Set(accounts.map((a) => a.role))).toEqual(
      new Set(['nurse', 'physician', 'front-desk', 'it-admin', 'compliance-officer']),
    );
    const caPem = readFileSync(path.join(host.dataDir, 'server', 'tls', 'ca-cert.pem'), 'utf8');
    station = createWorkstation({ url: match[1], caPem });

    const nurse = accounts.find((a) => a.role === 'nurse')!;
    expect(await station.call('session.signIn', { userId: nurse.userId, password: nurse.password })).toEqual({
      ok: true,
      value: { step: 'mfa' },
    });
    // The seeding used the previous step; the current one is the tester's.
    const code = new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32(nurse.totpSecret),
      period: 30,
      digits: 6,
    }).generate();
    const signedIn = await station.call('session.verifyMfa', { code });
    expect(signedIn.ok && signedIn.value.state).toBe('unlocked');

    const found = await station.call('directory.search', { query: 'cardiology' });
    if (!found.ok) throw new Error(found.error.code);
    const people = found.value.entries.filter((e) => e.kind === 'user');
    expect(people.length).toBeGreaterThan(0);
    for (const person of people) expect(person.fingerprint, person.userId).not.toBeNull();
    const role = found.value.entries.find((e) => e.kind === 'role');
    expect(role?.kind === 'role' && role.displayName).toBe('On-call cardiology');

    const sent = await station.call('message.send', {
      to: [{ kind: 'role', addressId: 'role:oncall-cardiology' }],
      title: null,
      text: 'Demo: bed 3 needs a review',
      priority: 'urgent',
      expiresInSeconds: null,
    });
    expect(sent.ok).toBe(true);
    // The seeding runs the production KDF per account: on a busy machine it takes longer than a test's default.
  }, 120_000);
});

describe('a normal start', () => {
  it('logs nothing to the terminal: no warning, no JSON', () => {
    expect(logLines.filter((line) => line.trim() !== '')).toEqual([]);
  });
});

describe('the second npm start', () => {
  it('skips the renderer build and the publishing, and prints the same block', async () => {
    await station?.close();
    station = null;
    await host.stop();
    const child = spawn('npm', ['start', '--', '--data', host.dataDir, '--port', '0'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WARDLINE_LOG: undefined, WARDLINE_LOG_LEVEL: undefined },
      // Its own process group, so the host npm starts stops with it, as Ctrl+C stops them all.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready: ${stdout} ${stderr}`)), 90_000);
        child.stdout.on('data', () => {
          if (!/^Stop with Ctrl\+C\.$/m.test(stdout)) return;
          clearTimeout(timer);
          resolve();
        });
        child.once('exit', () => reject(new Error(`npm start exited: ${stderr}`)));
      });
      expect(stderr).toContain('renderer is up to date (build skipped)');
      expect(stderr).not.toMatch(/warn|error|\{"level"/i);
      expect(stdout).toMatch(/^browser host ready: http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/m);
      expect(stdout).toContain('Demo accounts (this demo server only):');
      expect(stdout).not.toContain('Publishing');
    } finally {
      if (child.pid !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(-child.pid, 'SIGTERM');
        await exited;
      }
    }
  });
});
