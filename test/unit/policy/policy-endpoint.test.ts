import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyEndpoint } from '../../../main/policy/policy-endpoint';
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
    expect(
      policyEndpoint(
        policy({ serverUrl: 'https://wardline.hospital.example', caCertificate: '-----BEGIN nonsense' }),
        null,
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'POLICY_INVALID', keys: ['caCertificate'], location: null },
    });
  });
});
