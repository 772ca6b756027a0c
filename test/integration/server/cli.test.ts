/**
 * `npm run server -- --data <dir> --port 0 --demo` as an operator runs it: one ready line on
 * stdout, the demo directory seeded with its accounts file, a demo user signing in the way the
 * real client does (main/keys/password-kdf.ts at the real cost), a clean stop on SIGTERM, and no
 * second seeding on the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { afterAll, describe, expect, it } from 'vitest';
import { derivePasswordKeys } from '../../../main/keys/password-kdf';
import { ROLES } from '../../../shared/access/permission-matrix';
import { repoRoot } from '../../support/browser-host-process';
import { apiClient } from '../../support/server-client';
import { loginProof, newDevice, HOOK_TIMEOUT_MS } from '../../support/server-fixtures';

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly caPath: string;
  stdout(): string;
  stderr(): string;
}

const READY = /^server ready: (https:\/\/127\.0\.0\.1:(\d+)) ca=(\/\S+)$/;

/**
 * The `server` script exactly as package.json has it, run without npm in between, so SIGTERM
 * reaches the server itself and its exit code is the server's.
 */
function serverCommand(): string[] {
  const scripts = (
    JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const command = scripts.server?.split(' ') ?? [];
  if (command[0] !== 'node') throw new Error(`unexpected server script: ${String(scripts.server)}`);
  return command.slice(1);
}

function startCli(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [...serverCommand(), '--data', dataDir, '--port', '0', '--demo'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${stderr}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0]!;
      const match = stdout.includes('\n') ? READY.exec(line) : null;
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, url: match[1]!, caPath: match[3]!, stdout: () => stdout, stderr: () => stderr });
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)}; stderr: ${stderr}`)));
  });
}

/** The exit as `code <n>` or `signal <name>`, with the server's stderr if it was not a clean exit. */
async function stop(running: Running): Promise<string> {
  const exited = new Promise<string>((resolve) =>
    running.child.once('exit', (code, signal) =>
      resolve(code === null ? `signal ${String(signal)}` : `code ${String(code)}`),
    ),
  );
  running.child.kill('SIGTERM');
  const result = await exited;
  return result === 'code 0' ? result : `${result}: ${running.stderr().slice(-2000)}`;
}

interface DemoAccount {
  userId: string;
  password: string;
  totpSecret: string;
  role: string;
  displayName: string;
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }), HOOK_TIMEOUT_MS);

describe('npm run server --demo', () => {
  it('prints one ready line, seeds the demo directory, lets a demo user sign in, stops cleanly and does not reseed', async () => {
    const running = await startCli(dataDir);
    try {
      expect(running.caPath).toBe(path.join(dataDir, 'tls', 'ca-cert.pem'));
      const file = path.join(dataDir, 'demo-accounts.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const accounts = JSON.parse(readFileSync(file, 'utf8')) as DemoAccount[];
      for (const account of accounts)
        expect(Object.keys(account).sort()).toEqual(['displayName', 'password', 'role', 'totpSecret', 'userId']);
      expect(new Set(accounts.map((account) => account.role))).toEqual(new Set(ROLES));
      expect(accounts.filter((account) => account.role === 'nurse').length).toBeGreaterThanOrEqual(2);
      expect(new Set(accounts.map((account) => account.password)).size).toBe(accounts.length);

      const api = apiClient(running.url, readFileSync(running.caPath, 'utf8'));
      try {
        const nurse = accounts.find((account) => account.role === 'nurse')!;
        const { salt, kdf } = await api.ok('prelogin', { userId: nurse.userId });
        expect(kdf).toEqual({ memoryMiB: 64, passes: 3 });
        const keys = await derivePasswordKeys(nurse.password, Buffer.from(salt, 'base64'), kdf);
        const device = await newDevice();
        const login = await api.ok('login', {
          userId: nurse.userId,
          authKey: Buffer.from(keys.authKey).toString('base64'),
          device: { publicKey: device.publicKey, name: device.name },
          proof: await loginProof(device, nurse.userId, Date.now()),
        });
        if (login.step !== 'mfa') throw new Error(`expected the mfa step (TOTP is pre-enrolled), got ${login.step}`);
        const code = OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(nurse.totpSecret) });
        const { session } = await api.ok('verifyMfa', { challengeId: login.challengeId, code });
        expect(session.account).toMatchObject({ userId: nurse.userId, displayName: nurse.displayName, role: 'nurse' });
        expect(session.identity).toBeNull();

        const cardiology = await api.ok('searchDirectory', { query: 'cardiology', limit: 50 }, session.token);
        const role = cardiology.entries.find((entry) => entry.kind === 'role');
        expect(role).toMatchObject({ addressId: 'role:oncall-cardiology', displayName: 'On-call cardiology' });
        const members = role?.kind === 'role' ? role.members : [];
        expect(members.length).toBeGreaterThanOrEqual(2);
        expect(members.every((member) => member.role === 'physician' && member.department === 'Cardiology')).toBe(true);
      } finally {
        api.close();
      }
      expect(running.stdout().trim().split('\n')).toHaveLength(1);
    } finally {
      expect(await stop(running)).toBe('code 0');
    }

    const seeded = readFileSync(path.join(dataDir, 'demo-accounts.json'), 'utf8');
    const again = await startCli(dataDir);
    try {
      expect(readFileSync(path.join(dataDir, 'demo-accounts.json'), 'utf8')).toBe(seeded);
    } finally {
      expect(await stop(again)).toBe('code 0');
    }
  }, 120_000);
});
