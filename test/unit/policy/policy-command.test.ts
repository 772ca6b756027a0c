import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyCommandOf, runPolicyCommand, type PolicyCommandDeps } from '../../../main/policy/policy-command';
import { decodeRegistryPolicy } from '../../../main/policy/registry-values';
import { POLICY_KEYS } from '../../../shared/policy/policy-schema';
import { regDword, regSz } from '../../support/registry-values';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wardline-policy-command-'));
const policyFile = (name: string, content: unknown): string => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

async function run(argv: readonly string[], deps: Partial<PolicyCommandDeps> = {}) {
  let output = '';
  const command = policyCommandOf(argv);
  if (command === null) throw new Error('no policy command');
  const code = await runPolicyCommand(command, {
    platform: 'linux',
    packaged: false,
    argv,
    write: (text) => (output += text),
    // The machine's own /etc/wardline/policy.json never leaks into a test.
    readText: (file) =>
      file.startsWith(dir)
        ? readFile(file, 'utf8')
        : Promise.reject(Object.assign(new Error('absent'), { code: 'ENOENT' })),
    ...deps,
  });
  return { code, output };
}

describe('wardline --check-policy <file>', () => {
  it('exits 0 for a valid file, says how many keys it sets, and shows the HIPAA self-test', async () => {
    const file = policyFile('ok.json', { idleLockSeconds: 1800, mfaRequired: false });
    const { code, output } = await run(['wardline', '--check-policy', file]);
    expect(code).toBe(0);
    expect(output).toContain(`${file}: a valid Wardline policy (2 of ${POLICY_KEYS.length} keys set`);
    expect(output).toMatch(/weakened\s+164\.312\(a\)\(2\)\(iii\)\s+Automatic logoff\n\s+idleLockSeconds: /);
    expect(output).toMatch(/weakened\s+164\.312\(d\)\s+Person or entity authentication\n\s+mfaRequired: /);
    expect(output).toMatch(/off\s+164\.312\(e\)\(1\)\s+Transmission security/);
  });

  it('exits 1 naming every bad key with its reason, never a value', async () => {
    const file = policyFile('bad.json', { idleLockSeconds: 1, pinAllowd: false, serverUrl: 'http://secret.example' });
    const { code, output } = await run(['wardline', `--check-policy=${file}`]);
    expect(code).toBe(1);
    expect(output).toContain('not a valid Wardline policy');
    expect(output).toContain('  idleLockSeconds: Too small: expected number to be >=5');
    expect(output).toContain('  pinAllowd: not a Wardline policy key');
    expect(output).toMatch(/ {2}serverUrl: /);
    expect(output).not.toContain('secret.example');
  });

  it('refuses a file that is not JSON, or is missing, with exit 1', async () => {
    expect(await run(['wardline', '--check-policy', policyFile('text.json', 'idle=5')])).toMatchObject({
      code: 1,
      output: expect.stringContaining('(policy): not JSON') as string,
    });
    expect((await run(['wardline', '--check-policy', path.join(dir, 'missing.json')])).code).toBe(1);
  });

  it('checks a CA that is there: a file that is no certificate is refused, one absent here is a note', async () => {
    const server = { serverUrl: 'https://wardline.hospital.example' };
    const notCa = policyFile('not-a-ca.pem', 'hello');
    const refused = await run([
      'wardline',
      '--check-policy',
      policyFile('ca-bad.json', { ...server, caCertificate: notCa }),
    ]);
    expect(refused).toMatchObject({
      code: 1,
      output: expect.stringContaining('caCertificate: not a certificate') as string,
    });
    const elsewhere = await run([
      'wardline',
      '--check-policy',
      policyFile('ca-elsewhere.json', { ...server, caCertificate: 'C:\\ProgramData\\Wardline\\ca.pem' }),
    ]);
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.output).toContain('caCertificate: the file cannot be read on this computer');
  });

  it('answers a wrong command line with usage and exit 2', async () => {
    expect(policyCommandOf(['wardline'])).toBeNull();
    expect(policyCommandOf(['wardline', '--policy', 'x.json'])).toBeNull();
    for (const argv of [
      ['wardline', '--check-policy'],
      ['wardline', '--check-policy', '--print-effective-policy'],
    ]) {
      const { code, output } = await run(argv);
      expect(code).toBe(2);
      expect(output).toContain('Usage: wardline --check-policy <policy.json>');
    }
  });
});

describe('wardline --print-effective-policy', () => {
  it('prints the merged policy as JSON, each key with where it came from, and the self-test', async () => {
    const file = policyFile('effective.json', { idleLockSeconds: 120 });
    const { code, output } = await run(['wardline', '--print-effective-policy', '--policy', file]);
    expect(code).toBe(0);
    const report = JSON.parse(output) as Record<string, unknown> & { policy: Record<string, unknown> };
    expect(report).toMatchObject({ valid: true, source: 'override', location: file, ignoredFlags: [] });
    expect(report.policy.idleLockSeconds).toEqual({ value: 120, from: 'override' });
    expect(report.policy.pinMinLength).toEqual({ value: 6, from: 'default' });
    expect(report.safeguards).toContainEqual(
      expect.objectContaining({ citation: '164.312(e)(1)', status: 'off' }) as unknown,
    );
  });

  it('reads the registry on Windows, and a packaged build ignores --policy as it does at start', async () => {
    const registry = decodeRegistryPolicy([regDword('pinAllowed', 0), regSz('notificationContent', 'sender')], {});
    const { code, output } = await run(['Wardline.exe', '--print-effective-policy', '--policy', 'C:\\evil.json'], {
      platform: 'win32',
      packaged: true,
      readRegistry: () => Promise.resolve({ ok: true, value: registry }),
    });
    expect(code).toBe(0);
    const report = JSON.parse(output) as { source: string; ignoredFlags: string[]; policy: Record<string, unknown> };
    expect(report.source).toBe('registry');
    expect(report.ignoredFlags).toEqual(['--policy']);
    expect(report.policy.pinAllowed).toEqual({ value: false, from: 'registry' });
    expect(report.policy.idleLockSeconds).toEqual({ value: 300, from: 'default' });
  });

  it('exits 1 with the refusal as JSON when the policy in force is invalid', async () => {
    const registry = decodeRegistryPolicy([regDword('pinAllowed', 2)], {});
    const { code, output } = await run(['Wardline.exe', '--print-effective-policy'], {
      platform: 'win32',
      packaged: true,
      readRegistry: () => Promise.resolve({ ok: true, value: registry }),
    });
    expect(code).toBe(1);
    expect(JSON.parse(output)).toEqual({
      valid: false,
      code: 'POLICY_INVALID',
      location: 'HKLM\\Software\\Policies\\Wardline',
      issues: [{ key: 'pinAllowed', reason: 'an on/off setting is REG_DWORD 0 or 1' }],
    });
  });
});
