/**
 * `npm run server` refuses a SIEM client certificate it could not use, before it starts: a file it
 * cannot read, a certificate that is not one, a key that is not the certificate's, or half a pair.
 * Each is a usage error (exit 2) naming the flag, never the file's contents, and nothing is started.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../../../server/tls/certificates';
import { createClientCertificate } from '../../support/client-certificates';
import { serverUsageError } from '../../support/server-cli';

const folder = mkdtempSync(path.join(os.tmpdir(), 'wardline-siem-cli-'));
const dataDir = path.join(folder, 'data');
const at = (name: string) => path.join(folder, name);

beforeAll(async () => {
  const ca = await createCertificateAuthority(Date.now());
  const one = await createClientCertificate(ca, Date.now(), 'wardline.hospital.example');
  const other = await createClientCertificate(ca, Date.now(), 'wardline.hospital.example');
  writeFileSync(at('ca.pem'), ca.certPem);
  writeFileSync(at('one.pem'), one.certPem);
  writeFileSync(at('one.key'), one.keyPem, { mode: 0o600 });
  writeFileSync(at('other.key'), other.keyPem, { mode: 0o600 });
  writeFileSync(at('garbage.pem'), 'PRIVATE-LOOKING TEXT THAT MUST NOT BE ECHOED');
}, 60_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

const siem = ['--data', dataDir, '--siem-host', '127.0.0.1', '--siem-port', '6514', '--siem-ca', at('ca.pem')];

describe('npm run server with a SIEM client certificate it cannot use', () => {
  it.each([
    [
      'a certificate file that is not there',
      ['--siem-cert', at('missing.pem'), '--siem-key', at('one.key')],
      '--siem-cert must be a readable PEM file (Error ENOENT)',
    ],
    [
      'a certificate that is not one',
      ['--siem-cert', at('garbage.pem'), '--siem-key', at('one.key')],
      '--siem-cert must be a readable PEM certificate',
    ],
    [
      'a key that is not one',
      ['--siem-cert', at('one.pem'), '--siem-key', at('garbage.pem')],
      '--siem-key must be a readable, unencrypted PEM private key',
    ],
    [
      'a key that is not the certificate’s',
      ['--siem-cert', at('one.pem'), '--siem-key', at('other.key')],
      '--siem-key is not the private key of the --siem-cert certificate',
    ],
    ['a certificate without its key', ['--siem-cert', at('one.pem')], '--siem-cert and --siem-key go together'],
  ])(
    'refuses %s with a usage error',
    async (_name, flags, sentence) => {
      const { code, stderr, stdout } = await serverUsageError([...siem, ...flags]);
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toBe(sentence);
      expect(stderr).toContain('usage: npm run server');
      expect(stderr).not.toContain('PRIVATE-LOOKING');
      expect(stdout).toBe('');
      expect(readdirSync(folder)).not.toContain('data');
    },
    60_000,
  );
});
