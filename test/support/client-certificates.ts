/**
 * TLS client certificates for the SIEM tests: what a hospital's PKI issues a Wardline server so an
 * IHE ATNA receiver accepts its syslog connection. ECDSA P-256 like the rest of the test PKI, with
 * the clientAuth purpose and the name as both CN and a DNS subjectAltName (rsyslog's `x509/name`
 * checks either).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import type { CertificatePair } from '../../server/tls/certificates';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

// Node's WebCrypto is the standard interface; the cast only bridges Node's and the DOM's typings of it.
const standardCrypto: object = webcrypto;
x509.cryptoProvider.set(standardCrypto as ReturnType<typeof x509.cryptoProvider.get>);

export async function createClientCertificate(
  ca: CertificatePair,
  now: number,
  commonName: string,
): Promise<CertificatePair> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.keyPem), ALGORITHM, false, [
    'sign',
  ]);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: `CN=${commonName}`,
    issuer: caCert.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 30 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: commonName }]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  return {
    certPem: cert.toString('pem'),
    keyPem: KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
