/**
 * Every TLS client Wardline has (the workstation's API client and feed stream, the SIEM
 * forwarder, the audit CLI's reader of a running server) offers only what
 * shared/protocol/tls-policy.ts allows. The peer here is a TLS 1.2 server that prefers CBC,
 * CCM8 and ARIA suites over GCM: a client offering Node's default list would get one of those.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../main/server-link/api-client';
import { asArrived, createFeedStream } from '../../../main/server-link/feed-stream';
import { localAdminFile } from '../../../server/admin/local-admin';
import { readTrail } from '../../../server/audit/trail-source';
import { createSyslogForwarder } from '../../../server/siem/syslog-forwarder';
import { createCertificateAuthority, createServerCertificate } from '../../../server/tls/certificates';
import { TLS_CIPHERS } from '../../../shared/protocol/tls-policy';

/** What the peer saw of one connection: the suite agreed, or the handshake's failure. */
type Seen = { readonly cipher: string } | { readonly refused: string };

interface Peer {
  readonly port: number;
  /** The next connection's outcome. */
  next(): Promise<Seen>;
  close(): Promise<void>;
}

const WEAK_FIRST =
  'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-CCM8:ECDHE-ECDSA-ARIA128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256';
const CBC_ONLY = 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA';

let caPem: string;
let key: string;
let cert: string;

async function startPeer(ciphers: string): Promise<Peer> {
  const waiting: ((seen: Seen) => void)[] = [];
  const seen = (outcome: Seen) => waiting.shift()?.(outcome);
  const server = tls.createServer(
    {
      key,
      cert,
      ciphers: `${ciphers}:@SECLEVEL=0`,
      honorCipherOrder: true,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
    },
    (socket) => {
      seen({ cipher: socket.getCipher().standardName });
      socket.destroy();
    },
  );
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => seen({ refused: error.code ?? error.message }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    next: () => new Promise<Seen>((resolve) => waiting.push(resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Each kind of client, connecting once to the peer; each returns how to stop it. */
const clients: Record<string, (port: number) => () => Promise<void>> = {
  'workstation API client': (port) => {
    const api = createApiClient({ url: `https://localhost:${String(port)}`, caPem });
    void api.call('health', {});
    return () => Promise.resolve(api.close());
  },
  'workstation feed stream': (port) => {
    const stream = createFeedStream({
      endpoint: { url: `https://localhost:${String(port)}`, caPem },
      token: () => 'token',
      cursor: () => Promise.resolve(0),
      prepare: asArrived,
      onEvents: () => Promise.resolve(),
      onState: () => undefined,
      onSessionEnded: () => undefined,
      backoffMs: () => 60_000,
    });
    stream.start();
    return () => stream.stop();
  },
  'SIEM forwarder': (port) => {
    const forwarder = createSyslogForwarder({
      host: '127.0.0.1',
      servername: 'localhost',
      port,
      ca: caPem,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    forwarder.send(['<110>1 - - - - - - test']);
    return () => forwarder.close({ timeoutMs: 1 }).catch(() => undefined);
  },
  'audit CLI reading a running server': (port) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-tls-client-'));
    mkdirSync(path.join(dataDir, 'tls'));
    writeFileSync(path.join(dataDir, 'tls', 'ca-cert.pem'), caPem);
    writeFileSync(
      localAdminFile(dataDir),
      JSON.stringify({ url: `https://localhost:${String(port)}`, token: 'x'.repeat(43), pid: process.pid }),
    );
    void readTrail({ dataDir }).catch(() => undefined);
    return () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true }));
  },
};

async function observe(ciphers: string, connect: (port: number) => () => Promise<void>): Promise<Seen> {
  const peer = await startPeer(ciphers);
  try {
    const outcome = peer.next();
    const stop = connect(peer.port);
    try {
      return await outcome;
    } finally {
      await stop();
    }
  } finally {
    await peer.close();
  }
}

beforeAll(async () => {
  const ca = await createCertificateAuthority(Date.now());
  const server = await createServerCertificate(ca, Date.now());
  caPem = ca.certPem;
  key = server.keyPem;
  cert = server.certPem;
});

describe('TLS clients offer only ECDHE with AES-GCM or ChaCha20-Poly1305 on TLS 1.2', () => {
  for (const [name, connect] of Object.entries(clients)) {
    it(`${name}: agrees GCM with a server that prefers CBC, CCM8 and ARIA`, async () => {
      const seen = await observe(WEAK_FIRST, connect);
      expect(seen).toEqual({ cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' });
    });

    it(`${name}: finds nothing in common with a server offering only CBC`, async () => {
      const seen = await observe(CBC_ONLY, connect);
      expect(seen).toMatchObject({ refused: expect.stringMatching(/NO_SHARED_CIPHER|HANDSHAKE_FAILURE/) as unknown });
    });
  }

  it('the policy names no CBC, CCM or ARIA suite and no static-RSA or DHE key exchange', () => {
    for (const suite of TLS_CIPHERS.split(':')) {
      expect(suite).toMatch(
        /^(TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)|ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305))$/,
      );
    }
  });
});
