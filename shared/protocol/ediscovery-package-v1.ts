/**
 * Version 1 of the eDiscovery package, read but never written: each person in its directory had
 * one signing key, the one the directory held at the export. Packages of that version may still
 * be in a compliance officer's hands, and what they prove has not changed: archive:open opens
 * them as it always did, every signature checked against that one key, whenever it was made.
 * Their digest is computed exactly as it was when the server recorded it.
 *
 * Everything else (matter, messages, chain part) is as in version 2 (ediscovery-package.ts).
 */
import { z } from 'zod';
import { ROLES } from '../access/permission-matrix';
import { hashHex } from '../audit/audit-entry';
import { hex } from '../audit/audit-chain';
import type { Sha256 } from '../audit/merkle-tree';
import { publicKey } from './binary';
import {
  contentsOf,
  digestBytesOf,
  MAX_PACKAGE_PEOPLE,
  packageChainProof,
  packageContentsShape,
  packageDigest,
  packageManifest,
  type PackageManifest,
  type PackagePerson,
} from './ediscovery-package';
import { userId } from './identifiers';
import type { SigningKeyPeriod } from './signing-key-history';

const packagePersonV1 = z.strictObject({
  userId,
  signingKey: publicKey,
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
});
type PackagePersonV1 = z.infer<typeof packagePersonV1>;

const packageManifestV1 = z.strictObject({
  ...packageContentsShape,
  version: z.literal(1),
  directory: z.array(packagePersonV1).max(MAX_PACKAGE_PEOPLE),
  digest: hashHex,
  chain: packageChainProof,
});
type PackageManifestV1 = z.infer<typeof packageManifestV1>;

/** `package.json` of either version, as archive:open reads it. */
export const readablePackageManifest = z.discriminatedUnion('version', [packageManifest, packageManifestV1]);
export type ReadablePackageManifest = PackageManifest | PackageManifestV1;
export type ReadablePackagePerson = PackagePerson | PackagePersonV1;

/** The digest of the contents, each version by its own bytes. */
export function readablePackageDigest(manifest: ReadablePackageManifest, sha256: Sha256): string {
  if (manifest.version === 2) return packageDigest(contentsOf(manifest), sha256);
  const { format, version, matter, exportedAt, exportedBy, auditKey, archive, directory, messages } = manifest;
  const bytes = digestBytesOf(
    'wardline/ediscovery-package/v1',
    { format, version, matter, exportedAt, exportedBy, auditKey, archive, messages },
    directory.map((person) => [person.userId, person.signingKey, person.displayName, person.role]),
  );
  return hex(sha256(bytes));
}

/** A person's key periods: version 1's one key stands for all time, as version 1 checked it. */
export function signingKeysOf(person: ReadablePackagePerson): readonly SigningKeyPeriod[] {
  return 'signingKeys' in person ? person.signingKeys : [{ key: person.signingKey, from: 0, until: null }];
}
