import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { policyEndpoint } from '../../../main/policy/policy-endpoint';
import { createCertificateAuthority } from '../../../server/tls/certificates';
import { caCertificateForm } from '../../../shared/policy/ca-certificate-value';
import { policySchema } from '../../../shared/policy/policy-schema';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2FmZQ==\n-----END CERTIFICATE-----\n';
const dir = mkdtempSync(path.join(os.tmpdir(), 'wardline-policy-ca-'));
const caFile = path.join(dir, 'ca.pem');
writeFileSync(caFile, PEM);
const policy = (values: Record<string, unknown>) => policySchema.parse(values);

describe('the server a policy names', () => {
  it('is none when the policy names none', () => {
    expect(policyEndpoint(policy({}), null)).toEqual({ ok: true, value: null });
  });

  it('pins the CA given as PEM text or as a file', () => {
    const fromText = policyEndpoint(
      policy({ serverUrl: 'https://wardline.hospital.example:8443', caCertificate: PEM }),
      null,
    );
    expect(fromText).toEqual({ ok: true, value: { url: 'https://wardline.hospital.example:8443', caPem: PEM } });
    const fromFile = policyEndpoint(
      policy({ serverUrl: 'https://wardline.hospital.example', caCertificate: caFile }),
      '/etc/wardline/policy.json',
    );
    expect(fromFile).toEqual({ ok: true, value: { url: 'https://wardline.hospital.example', caPem: PEM } });
  });

  it('makes the policy unusable when the CA cannot be read or is not a certificate', () => {
    expect(
      policyEndpoint(
        policy({ serverUrl: 'https://wardline.hospital.example', caCertificate: path.join(dir, 'missing.pem') }),
        null,
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'POLICY_UNREADABLE', keys: ['caCertificate'], location: null },
    });
    // Base64 that is not a certificate: refused by the endpoint, after the schema took its form.
    expect(
      policyEndpoint(
        policy({ serverUrl: 'https://wardline.hospital.example', caCertificate: `MII${'A'.repeat(61)}` }),
        null,
      ),
    ).toMatchObject({ ok: false, error: { code: 'POLICY_INVALID', keys: ['caCertificate'] } });
  });

  it('pins a CA given as base64 DER on one line, as a GPO text box holds it', async () => {
    const ca = await createCertificateAuthority(Date.now());
    const der = Buffer.from(new X509Certificate(ca.certPem).raw).toString('base64');
    const read = policyEndpoint(policy({ serverUrl: 'https://wardline.hospital.example', caCertificate: der }), null);
    if (!read.ok || read.value === null) throw new Error('refused');
    expect(new X509Certificate(read.value.caPem).fingerprint256).toBe(new X509Certificate(ca.certPem).fingerprint256);
  });
});

describe('the forms a policy CA may take (the schema refuses every other)', () => {
  it('takes an absolute path, base64 DER or PEM text, and refuses a relative path or multi-line base64', () => {
    expect(caCertificateForm('C:\\ProgramData\\Wardline\\ca.pem')).toBe('path');
    expect(caCertificateForm('\\\\fileserver\\pki\\ca.pem')).toBe('path');
    expect(caCertificateForm('/etc/wardline/ca.pem')).toBe('path');
    expect(caCertificateForm(PEM)).toBe('pem');
    expect(caCertificateForm(`MII${'B'.repeat(61)}`)).toBe('der-base64');
    for (const refused of ['ca.pem', 'pki\\ca.pem', `MII${'B'.repeat(30)}\n${'B'.repeat(31)}`, '-----BEGIN nonsense'])
      expect(policySchema.safeParse({ serverUrl: 'https://h.example', caCertificate: refused }).success, refused).toBe(
        false,
      );
  });
});
