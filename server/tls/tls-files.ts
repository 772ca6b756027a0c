/**
 * The TLS material in the data dir (`tls/`): created on first start, reused afterwards. Private
 * keys are written 0600 in a 0700 folder. First creation builds everything in a temporary
 * folder and renames it into place, so two instances starting on one data dir at once cannot
 * end up with a server certificate from a CA that is not on disk.
 */
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  certificateValidAt,
  createCertificateAuthority,
  createServerCertificate,
  SERVER_RENEWAL_MARGIN_MS,
  type CertificatePair,
} from './certificates';

export const TLS_DIRECTORY = 'tls';
const FILES = {
  caCert: 'ca-cert.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server-cert.pem',
  serverKey: 'server-key.pem',
} as const;

export interface TlsMaterial {
  /** Absolute path of the CA certificate: what clients pin. */
  readonly caCertPath: string;
  readonly caCertPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
}

async function readPair(directory: string, cert: string, key: string): Promise<CertificatePair | null> {
  try {
    return {
      certPem: await readFile(path.join(directory, cert), 'utf8'),
      keyPem: await readFile(path.join(directory, key), 'utf8'),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function writePair(directory: string, pair: CertificatePair, cert: string, key: string): Promise<void> {
  await writeFile(path.join(directory, key), pair.keyPem, { mode: 0o600 });
  await writeFile(path.join(directory, cert), pair.certPem, { mode: 0o644 });
}

async function createAll(dataDir: string, directory: string, now: number): Promise<void> {
  const staging = await mkdtemp(path.join(dataDir, '.tls-'));
  try {
    await chmod(staging, 0o700);
    const ca = await createCertificateAuthority(now);
    await writePair(staging, ca, FILES.caCert, FILES.caKey);
    await writePair(staging, await createServerCertificate(ca, now), FILES.serverCert, FILES.serverKey);
    await rename(staging, directory);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another instance won the race: its material is the one to use.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
  }
}

export async function loadOrCreateTlsMaterial(dataDir: string, now: number): Promise<TlsMaterial> {
  const absolute = path.resolve(dataDir);
  await mkdir(absolute, { recursive: true, mode: 0o700 });
  const directory = path.join(absolute, TLS_DIRECTORY);
  let ca = await readPair(directory, FILES.caCert, FILES.caKey);
  if (ca === null) {
    await createAll(absolute, directory, now);
    ca = await readPair(directory, FILES.caCert, FILES.caKey);
    if (ca === null) throw new Error('TLS material could not be created');
  }
  let server = await readPair(directory, FILES.serverCert, FILES.serverKey);
  if (server === null || !certificateValidAt(server.certPem, now + SERVER_RENEWAL_MARGIN_MS)) {
    server = await createServerCertificate(ca, now);
    const staging = await mkdtemp(path.join(absolute, '.tls-renew-'));
    await writePair(staging, server, FILES.serverCert, FILES.serverKey);
    // Each file is replaced whole; the data dir belongs to one deployment, which renews on start.
    await rename(path.join(staging, FILES.serverKey), path.join(directory, FILES.serverKey));
    await rename(path.join(staging, FILES.serverCert), path.join(directory, FILES.serverCert));
    await rm(staging, { recursive: true, force: true });
  }
  return {
    caCertPath: path.join(directory, FILES.caCert),
    caCertPem: ca.certPem,
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
  };
}
