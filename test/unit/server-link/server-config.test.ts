import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readServerEndpoint } from '../../../main/server-link/server-config';
import { classifyTransportError } from '../../../main/server-link/server-endpoint';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wardline-config-'));
const pem = path.join(dir, 'ca.pem');
writeFileSync(
  pem,
  '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnRl\n-----END CERTIFICATE-----\n',
);
const junk = path.join(dir, 'junk.pem');
writeFileSync(junk, 'not a certificate');

describe('server endpoint configuration', () => {
  it('accepts an https origin with a PEM CA and keeps only the origin', () => {
    const result = readServerEndpoint({ url: 'https://127.0.0.1:8443/', caFile: pem });
    expect(result.ok && result.value.url).toBe('https://127.0.0.1:8443');
  });

  it.each([
    ['http://127.0.0.1:8443', 'SERVER_URL_INVALID'],
    ['https://user:pw@127.0.0.1:8443', 'SERVER_URL_INVALID'],
    ['https://127.0.0.1:8443/api', 'SERVER_URL_INVALID'],
    ['127.0.0.1:8443', 'SERVER_URL_INVALID'],
  ])('refuses %s', (url, error) => {
    expect(readServerEndpoint({ url, caFile: pem })).toEqual({ ok: false, error });
  });

  it('refuses a missing or non-PEM CA file', () => {
    expect(readServerEndpoint({ url: 'https://localhost:1', caFile: path.join(dir, 'absent.pem') })).toEqual({
      ok: false,
      error: 'CA_FILE_UNREADABLE',
    });
    expect(readServerEndpoint({ url: 'https://localhost:1', caFile: junk })).toEqual({
      ok: false,
      error: 'CA_FILE_INVALID',
    });
  });

  it('tells certificate failures from an unreachable server', () => {
    expect(classifyTransportError({ code: 'SELF_SIGNED_CERT_IN_CHAIN' })).toBe('UNTRUSTED');
    expect(classifyTransportError({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' })).toBe('UNTRUSTED');
    expect(classifyTransportError({ code: 'ECONNREFUSED' })).toBe('UNREACHABLE');
    expect(classifyTransportError(null)).toBe('UNREACHABLE');
  });
});
