/**
 * TLS: always on, 1.2 or later, a local CA created once in the data dir and reused, and a
 * client that does not pin that CA is refused. TLS does not depend on the database, so this
 * file runs on the embedded one only.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../../../server/tls/certificates';
import { startTestServer, testClock, type TestServer, HOOK_TIMEOUT_MS } from '../../support/server-fixtures';

const TLS_FILES = ['ca-cert.pem', 'ca-key.pem', 'server-cert.pem', 'server-key.pem'] as const;

function tlsFiles(dataDir: string): Record<(typeof TLS_FILES)[number], string> {
  return Object.fromEntries(
    TLS_FILES.map((name) => [name, readFileSync(path.join(dataDir, 'tls', name), 'utf8')]),
  ) as Record<(typeof TLS_FILES)[number], string>;
}

/** Resolves with the negotiated protocol, or rejects with the handshake error. */
function handshake(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => {
      const protocol = socket.getProtocol() ?? 'unknown';
      socket.end();
      resolve(protocol);
    });
    socket.once('error', reject);
  });
}

/** Resolves with the OpenSSL name of the suite agreed, or rejects with the handshake error. */
function handshakeCipher(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => {
      const { name } = socket.getCipher();
      socket.end();
      resolve(name);
    });
    socket.once('error', reject);
  });
}

function httpsGet(url: string, options: https.RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ...options, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', reject);
  });
}

let target: TestServer;
let first: Record<(typeof TLS_FILES)[number], string>;

beforeAll(async () => {
  target = await startTestServer('pglite', { freshDatabase: true });
  first = tlsFiles(target.dataDir);
}, HOOK_TIMEOUT_MS);
afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

describe('TLS material', () => {
  it('is created on first start: a P-256 CA and a loopback server certificate it signed, keys 0600', () => {
    const ca = new X509Certificate(first['ca-cert.pem']);
    const server = new X509Certificate(first['server-cert.pem']);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(server.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('example.org')).toBeUndefined();
    for (const key of ['ca-key.pem', 'server-key.pem'])
      expect(statSync(path.join(target.dataDir, 'tls', key)).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(target.dataDir, 'tls')).mode & 0o777).toBe(0o700);
    expect(target.server.caCertPath).toBe(path.join(target.dataDir, 'tls', 'ca-cert.pem'));
    expect(path.isAbsolute(target.server.caCertPath)).toBe(true);
  });

  it('is reused, byte for byte, when the server starts again on the same data dir', async () => {
    const again = await startTestServer('pglite', { dataDir: target.dataDir });
    try {
      expect(tlsFiles(target.dataDir)).toEqual(first);
      expect(await httpsGet(`${again.server.url}/v1/health`, { ca: first['ca-cert.pem'] })).toBe(200);
    } finally {
      await again.close();
    }
  });

  it('gets a new server certificate from the same CA once the old one is about to expire', async () => {
    const clock = testClock();
    clock.advance(400 * 24 * 60 * 60 * 1000);
    const later = await startTestServer('pglite', { dataDir: target.dataDir, clock });
    try {
      const renewed = tlsFiles(target.dataDir);
      expect(renewed['ca-cert.pem']).toBe(first['ca-cert.pem']);
      expect(renewed['ca-key.pem']).toBe(first['ca-key.pem']);
      expect(renewed['server-cert.pem']).not.toBe(first['server-cert.pem']);
      expect(
        new X509Certificate(renewed['server-cert.pem']).verify(new X509Certificate(first['ca-cert.pem']).publicKey),
      ).toBe(true);
    } finally {
      await later.close();
    }
    first = tlsFiles(target.dataDir);
  });
});

describe('TLS connections', () => {
  it('accept TLS 1.2 and 1.3 from a client that pins the CA, by name and by address', async () => {
    const { port } = target.server;
    expect(await handshake(port, { ca: target.caPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
    expect(await handshake(port, { ca: target.caPem, minVersion: 'TLSv1.3' })).toBe('TLSv1.3');
    expect(await httpsGet(`https://localhost:${String(port)}/v1/health`, { ca: target.caPem })).toBe(200);
    expect(await httpsGet(`https://127.0.0.1:${String(port)}/v1/health`, { ca: target.caPem })).toBe(200);
  });

  it('refuse TLS 1.1 and 1.0', async () => {
    const { port } = target.server;
    // The client offers nothing newer and allows the old ciphers, so the refusal is the
    // server's: its "protocol version" alert.
    const legacy = { ca: target.caPem, ciphers: 'DEFAULT:@SECLEVEL=0' } as const;
    const refusedByServer = { code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' };
    await expect(handshake(port, { ...legacy, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1' })).rejects.toMatchObject(
      refusedByServer,
    );
    await expect(handshake(port, { ...legacy, minVersion: 'TLSv1', maxVersion: 'TLSv1' })).rejects.toMatchObject(
      refusedByServer,
    );
  });

  it('on TLS 1.2 agree only ECDHE with AES-GCM or ChaCha20-Poly1305, refusing CBC, CCM8 and ARIA', async () => {
    const { port } = target.server;
    const offering = (ciphers: string) =>
      handshakeCipher(port, { ca: target.caPem, maxVersion: 'TLSv1.2', ciphers: `${ciphers}:@SECLEVEL=0` });
    expect(await offering('ECDHE-ECDSA-AES128-GCM-SHA256')).toBe('ECDHE-ECDSA-AES128-GCM-SHA256');
    expect(await offering('ECDHE-ECDSA-AES256-GCM-SHA384')).toBe('ECDHE-ECDSA-AES256-GCM-SHA384');
    expect(await offering('ECDHE-ECDSA-CHACHA20-POLY1305')).toBe('ECDHE-ECDSA-CHACHA20-POLY1305');
    // The server's preference, not the client's order, picks among what both allow.
    expect(await offering('ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-GCM-SHA256')).toBe(
      'ECDHE-ECDSA-AES128-GCM-SHA256',
    );
    const refusedByServer = { code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' };
    for (const weak of [
      'ECDHE-ECDSA-AES128-SHA256',
      'ECDHE-ECDSA-AES256-SHA384',
      'ECDHE-ECDSA-AES128-SHA',
      'ECDHE-ECDSA-AES128-CCM8',
      'ECDHE-ECDSA-AES128-CCM',
      'ECDHE-ECDSA-ARIA128-GCM-SHA256',
    ]) {
      await expect(offering(weak), weak).rejects.toMatchObject(refusedByServer);
    }
  });

  it('refuse a client that does not pin the CA (system trust store only), or pins another CA', async () => {
    const url = `${target.server.url}/v1/health`;
    await expect(httpsGet(url, {})).rejects.toMatchObject({
      code: expect.stringMatching(/CERT|SIGNATURE|ISSUER/) as unknown,
    });
    const otherCa = await createCertificateAuthority(Date.now());
    await expect(httpsGet(url, { ca: otherCa.certPem })).rejects.toMatchObject({
      code: expect.stringMatching(/CERT|SIGNATURE|ISSUER/) as unknown,
    });
  });
});
