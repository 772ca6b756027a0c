import { describe, expect, it } from 'vitest';
import {
  createWindowsDpapiSealer,
  dpapiScript,
  powershellArguments,
  powershellPath,
  type RunWithInput,
} from '../../../main/keys/windows-dpapi';

describe('DPAPI at machine scope through PowerShell', () => {
  it('seals and opens at LocalMachine scope with our entropy, and stops at the first error', () => {
    for (const operation of ['Protect', 'Unprotect'] as const) {
      const script = dpapiScript(operation);
      expect(script).toContain(`[Security.Cryptography.ProtectedData]::${operation}(`);
      expect(script).toContain('[Security.Cryptography.DataProtectionScope]::LocalMachine');
      expect(script).toContain("'wardline/machine-secret/v1'");
      expect(script.startsWith("$ErrorActionPreference = 'Stop'")).toBe(true);
      expect(script).not.toContain('CurrentUser');
    }
  });

  it('passes the script as one argument that survives the command line: no double quote, no newline', () => {
    const args = powershellArguments('Protect');
    expect(args).toEqual(['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', dpapiScript('Protect')]);
    expect(args.at(-1)).not.toMatch(/["\r\n]/);
  });

  it('runs Windows PowerShell from System32 by its full path', () => {
    expect(powershellPath({ SystemRoot: 'C:\\Windows' })).toBe(
      'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    );
    expect(powershellPath({ PATH: 'C:\\evil' })).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  it('sends the bytes on stdin and reads them from stdout, as base64, never on the command line', async () => {
    const seen: { args: readonly string[]; input: string }[] = [];
    const run: RunWithInput = (_file, args, input) => {
      seen.push({ args, input });
      return Promise.resolve(`${Buffer.from('sealed!').toString('base64')}\r\n`);
    };
    const sealer = createWindowsDpapiSealer({ SystemRoot: 'C:\\Windows' }, run);
    const secret = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    expect(Buffer.from(await sealer.seal(secret)).toString()).toBe('sealed!');
    expect(seen[0]?.input).toBe(Buffer.from(secret).toString('base64'));
    expect(seen[0]?.args.join(' ')).not.toContain(Buffer.from(secret).toString('base64'));
    expect(seen[0]?.args.at(-1)).toContain('::Protect(');
    await sealer.unseal(secret);
    expect(seen[1]?.args.at(-1)).toContain('::Unprotect(');
  });

  it('fails to seal, and opens nothing, when PowerShell fails or answers with something else', async () => {
    for (const answer of [null, '', 'Add-Type : Cannot add type. (Constrained Language Mode)', 'AAA*']) {
      const sealer = createWindowsDpapiSealer({}, () => Promise.resolve(answer));
      await expect(sealer.seal(new Uint8Array([1])), String(answer)).rejects.toThrow('DPAPI_UNAVAILABLE');
      await expect(sealer.unseal(new Uint8Array([1])), String(answer)).resolves.toBeNull();
    }
  });
});
