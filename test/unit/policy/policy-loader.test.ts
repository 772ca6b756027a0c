import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, LINUX_POLICY_FILE } from '../../../main/policy/policy-loader';
import type { RegistryRead } from '../../../main/policy/registry-policy';
import { decodeRegistryPolicy } from '../../../main/policy/registry-values';
import { regDword, regExpandSz, regSz } from '../../support/registry-values';

const DEFAULTS = {
  serverUrl: null,
  caCertificate: null,
  workstationName: null,
  idleLockSeconds: 300,
  autoLogoffSeconds: 1800,
  pinAllowed: true,
  passwordMinLength: 12,
  pinMinLength: 6,
  notificationContent: 'count',
  sharedWorkstation: true,
  idleSource: null,
  lockScreenShowsName: false,
  mfaRequired: true,
  kdfMemoryMiB: 64,
  kdfPasses: 3,
  vaultPurgeAfterDays: null,
  machineDataDir: null,
  attachmentMaxMiB: 25,
  attachmentKinds: null,
  attachmentSaving: 'view-only',
  identifierGuardNurse: 'warn',
  identifierGuardPhysician: 'warn',
  identifierGuardFrontDesk: 'warn',
  identifierGuardBlockKinds: null,
  mrnFormats: null,
  templatesOnlyRoles: null,
  archivePublicKey: null,
  archiveKeyFingerprint: null,
  messageRetentionDays: null,
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'wardline-policy-'));
let files = 0;
function policyFile(content: string): string {
  files += 1;
  const file = path.join(dir, `policy-${String(files)}.json`);
  writeFileSync(file, content);
  return file;
}
const linux = (readText: (file: string) => Promise<string>) =>
  loadPolicy({ platform: 'linux', overrideFile: null, readText });
const enoent = () => Promise.reject(Object.assign(new Error('missing'), { code: 'ENOENT' }));

describe('policy from a file', () => {
  it('uses the documented defaults when no policy is set', async () => {
    await expect(linux(enoent)).resolves.toEqual({
      ok: true,
      value: { policy: DEFAULTS, source: 'defaults', location: null, setKeys: [] },
    });
  });

  it('reads /etc/wardline/policy.json, filling what it leaves out with defaults', async () => {
    const read = await linux((file) =>
      Promise.resolve(file === LINUX_POLICY_FILE ? '{"idleLockSeconds": 120, "notificationContent": "sender"}' : ''),
    );
    expect(read).toEqual({
      ok: true,
      value: {
        policy: { ...DEFAULTS, idleLockSeconds: 120, notificationContent: 'sender' },
        source: 'file',
        location: LINUX_POLICY_FILE,
        setKeys: ['idleLockSeconds', 'notificationContent'],
      },
    });
  });

  it('takes --policy over the OS location, and refuses an override that is missing', async () => {
    const file = policyFile(
      JSON.stringify({
        pinAllowed: false,
        sharedWorkstation: false,
        serverUrl: 'https://wardline.hospital.example:8443',
        caCertificate: 'C:\\Wardline\\ca.pem',
      }),
    );
    await expect(loadPolicy({ platform: 'linux', overrideFile: file })).resolves.toMatchObject({
      ok: true,
      value: {
        source: 'override',
        policy: { pinAllowed: false, sharedWorkstation: false, serverUrl: 'https://wardline.hospital.example:8443' },
      },
    });
    await expect(loadPolicy({ platform: 'linux', overrideFile: path.join(dir, 'nope.json') })).resolves.toMatchObject({
      ok: false,
      error: { code: 'POLICY_UNREADABLE' },
    });
  });

  it.each([
    ['a value out of range', { idleLockSeconds: 0 }, ['idleLockSeconds']],
    ['a value of the wrong type', { pinAllowed: 'yes' }, ['pinAllowed']],
    ['an unknown key (a typo)', { idleLockSecs: 60 }, ['idleLockSecs']],
    [
      'a plain-http server',
      { serverUrl: 'http://wardline.hospital.example', caCertificate: '/etc/wardline/ca.pem' },
      ['serverUrl'],
    ],
    ['a server without the CA to pin', { serverUrl: 'https://wardline.hospital.example' }, ['caCertificate']],
    ['a notification level that does not exist', { notificationContent: 'full' }, ['notificationContent']],
    ['a KDF below the floor', { kdfMemoryMiB: 32, kdfPasses: 1 }, ['kdfMemoryMiB', 'kdfPasses']],
    ['a PIN too short to mean anything', { pinMinLength: 2 }, ['pinMinLength']],
    ['a password shorter than any guidance allows', { passwordMinLength: 6 }, ['passwordMinLength']],
    ['a vault purge after no days at all', { vaultPurgeAfterDays: 0 }, ['vaultPurgeAfterDays']],
    ['a message retention of no days at all', { messageRetentionDays: 0 }, ['messageRetentionDays']],
    ['a message retention past ten years', { messageRetentionDays: 3651 }, ['messageRetentionDays']],
    ['a message retention in part-days', { messageRetentionDays: 1.5 }, ['messageRetentionDays']],
    ['a message retention written as text', { messageRetentionDays: '30' }, ['messageRetentionDays']],
    ['an idle source that does not exist', { idleSource: 'anywhere' }, ['idleSource']],
  ])('refuses %s whole, naming the key and never the value', async (_name, content, keys) => {
    const read = await loadPolicy({ platform: 'linux', overrideFile: policyFile(JSON.stringify(content)) });
    expect(read).toMatchObject({ ok: false, error: { code: 'POLICY_INVALID', keys } });
    expect(JSON.stringify(read)).not.toContain('wardline.hospital.example');
  });

  describe('the archive key', () => {
    /** RFC 7748's X25519 public key for Alice, and its SHA-256 (`base64 -d | sha256sum`). */
    const PUBLIC_KEY = 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=';
    const FINGERPRINT = '300c9c9603b92a4b39ed3958bf9240114804db4fd373012c0ca47432d63425ae';
    const GROUPED = '300c 9c96 03b9 2a4b 39ed 3958 bf92 4011 4804 db4f d373 012c 0ca4 7432 d634 25ae';
    const withArchive = (values: Record<string, unknown>) =>
      loadPolicy({ platform: 'linux', overrideFile: policyFile(JSON.stringify(values)) });

    it('takes the key with its fingerprint, grouped as keygen prints it or not, in either case', async () => {
      for (const archiveKeyFingerprint of [GROUPED, FINGERPRINT, FINGERPRINT.toUpperCase()]) {
        await expect(withArchive({ archivePublicKey: PUBLIC_KEY, archiveKeyFingerprint })).resolves.toMatchObject({
          ok: true,
          value: { policy: { archivePublicKey: PUBLIC_KEY, archiveKeyFingerprint } },
        });
      }
    });

    it('refuses a fingerprint that is not the key’s, saying so, and never the values', async () => {
      // One digit off, as a fingerprint copied wrong would be; and the key of another fingerprint.
      const typo = `${GROUPED.slice(0, -1)}f`;
      const another = 'jjn2TkZn0YtfDWTHT/wGl0q9B5r6wjQZmYy8bgqEw0A=';
      for (const values of [
        { archivePublicKey: PUBLIC_KEY, archiveKeyFingerprint: typo },
        { archivePublicKey: another, archiveKeyFingerprint: GROUPED },
      ]) {
        const read = await withArchive(values);
        expect(read).toEqual({
          ok: false,
          error: {
            code: 'POLICY_INVALID',
            keys: ['archiveKeyFingerprint'],
            issues: [{ key: 'archiveKeyFingerprint', reason: 'not the fingerprint of archivePublicKey' }],
            location: expect.any(String) as string,
          },
        });
        expect(JSON.stringify(read)).not.toContain(values.archivePublicKey);
      }
    });

    it('refuses either value alone, and values that are not a key or a fingerprint', async () => {
      await expect(withArchive({ archivePublicKey: PUBLIC_KEY })).resolves.toMatchObject({
        ok: false,
        error: { keys: ['archiveKeyFingerprint'] },
      });
      await expect(withArchive({ archiveKeyFingerprint: GROUPED })).resolves.toMatchObject({
        ok: false,
        error: { keys: ['archiveKeyFingerprint'] },
      });
      await expect(
        withArchive({ archivePublicKey: PUBLIC_KEY.slice(4), archiveKeyFingerprint: GROUPED.slice(5) }),
      ).resolves.toMatchObject({ ok: false, error: { keys: ['archivePublicKey', 'archiveKeyFingerprint'] } });
    });
  });

  it('takes the name IT knows the workstation by as plain display text only', async () => {
    const named = (workstationName: string) => linux(() => Promise.resolve(JSON.stringify({ workstationName })));
    await expect(named('  Ward 7 nurses station ')).resolves.toMatchObject({
      ok: true,
      value: { policy: { workstationName: 'Ward 7 nurses station' } },
    });
    // A name others will type to confirm a wipe: no control or direction-changing characters, never empty.
    for (const refused of ['Ward 7\u202enoitats', 'Ward\u00007', '   ', 'x'.repeat(201)])
      await expect(named(refused)).resolves.toMatchObject({ ok: false });
  });

  it('gives each refused key its reason for IT, and lists every one at once', async () => {
    const read = await loadPolicy({
      platform: 'linux',
      overrideFile: policyFile(
        JSON.stringify({
          idleLockSeconds: 1,
          pinAllowd: false,
          serverUrl: 'https://wardline.hospital.example',
          caCertificate: 'ca.pem',
        }),
      ),
    });
    if (read.ok) throw new Error('accepted');
    expect([...read.error.keys].sort()).toEqual(['caCertificate', 'idleLockSeconds', 'pinAllowd']);
    expect([...read.error.issues].sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'caCertificate', reason: 'not an absolute file path, base64 DER on one line, or PEM text' },
      { key: 'idleLockSeconds', reason: 'Too small: expected number to be >=5' },
      { key: 'pinAllowd', reason: 'not a Wardline policy key' },
    ]);
    expect(JSON.stringify(read.error.issues)).not.toContain('ca.pem');
  });

  it('takes a workstation data folder only as an absolute local path', async () => {
    const folder = (machineDataDir: string) => linux(() => Promise.resolve(JSON.stringify({ machineDataDir })));
    for (const taken of ['/srv/wardline', 'D:\\Wardline', 'd:/Wardline data', '/'])
      await expect(folder(taken), taken).resolves.toMatchObject({
        ok: true,
        value: { policy: { machineDataDir: taken } },
      });
    const refused = [
      'wardline',
      './wardline',
      '%ProgramData%\\Wardline',
      '\\\\fileserver\\wardline',
      '//fileserver/wardline',
      'D:Wardline',
      '/var/lib/../tmp',
      'D:\\Wardline\\..\\Temp',
      '/var/lib/wardline\n',
      '',
      `/${'x'.repeat(240)}`,
    ];
    for (const path of refused)
      await expect(folder(path), path).resolves.toMatchObject({
        ok: false,
        error: { code: 'POLICY_INVALID', keys: ['machineDataDir'] },
      });
  });

  it('refuses a file that is not a JSON object', async () => {
    for (const text of ['{"idleLockSeconds": ', '[]', 'null', '']) {
      await expect(loadPolicy({ platform: 'linux', overrideFile: policyFile(text) })).resolves.toMatchObject({
        ok: false,
        error: { code: 'POLICY_INVALID' },
      });
    }
  });

  it('refuses a policy file it may not read (fails closed, not to defaults)', async () => {
    await expect(
      linux(() => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' }))),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'POLICY_UNREADABLE', location: LINUX_POLICY_FILE },
    });
    if (process.getuid?.() !== 0) {
      const file = policyFile('{}');
      chmodSync(file, 0);
      await expect(loadPolicy({ platform: 'linux', overrideFile: file })).resolves.toMatchObject({
        ok: false,
        error: { code: 'POLICY_UNREADABLE' },
      });
    }
  });
});

const REGISTRY = decodeRegistryPolicy(
  [
    regSz('serverUrl', 'https://wardline.hospital.example'),
    regExpandSz('caCertificate', '%ProgramData%\\Wardline\\ca.pem'),
    regDword('idleLockSeconds', 120),
    regDword('pinAllowed', 0),
    regDword('sharedWorkstation', 1),
    regSz('notificationContent', 'sender'),
  ],
  { ProgramData: 'C:\\ProgramData' },
);
const fromRegistry = (read: RegistryRead) => () => Promise.resolve(read);

describe('policy from the Windows registry', () => {
  it('validates registry values like the file, and uses defaults when the key is absent', async () => {
    await expect(
      loadPolicy({
        platform: 'win32',
        overrideFile: null,
        readRegistry: fromRegistry({ ok: true, value: REGISTRY }),
      }),
    ).resolves.toMatchObject({
      ok: true,
      value: {
        source: 'registry',
        location: 'HKLM\\Software\\Policies\\Wardline',
        policy: { idleLockSeconds: 120, pinAllowed: false, notificationContent: 'sender' },
      },
    });
    await expect(
      loadPolicy({
        platform: 'win32',
        overrideFile: null,
        readRegistry: () => Promise.resolve({ ok: true, value: null }),
      }),
    ).resolves.toMatchObject({
      ok: true,
      value: { source: 'defaults', location: null },
    });
    await expect(
      loadPolicy({
        platform: 'win32',
        overrideFile: null,
        readRegistry: fromRegistry({ ok: true, value: decodeRegistryPolicy([regDword('idleLockSeconds', 0)], {}) }),
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'POLICY_INVALID', keys: ['idleLockSeconds'] } });
    await expect(
      loadPolicy({
        platform: 'win32',
        overrideFile: null,
        readRegistry: fromRegistry({ ok: false, error: 'REGISTRY_UNREADABLE' }),
      }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'POLICY_UNREADABLE' },
    });
  });
});
