/**
 * The eDiscovery package manifest (shared/protocol/ediscovery-package.ts) as the server's route
 * builds it: one order whatever order the rows come in, each message's state decided from its
 * recall and expiry, the directory cut to the people the messages name, refusals by code; and a
 * digest that every field it covers changes, and the chain part does not.
 */
import { describe, expect, it } from 'vitest';
import { nodeSha256 } from '../../../shared/node/ediscovery/package-verify';
import {
  buildPackageManifest,
  contentsOf,
  packageDigest,
  packageManifest,
  type PackageContents,
  type PackageInput,
} from '../../../shared/protocol/ediscovery-package';
import { buildTestPackage, EXPORTED_AT } from '../../support/ediscovery-package';

/** The rows the fixture built the package from, read back from its manifest. */
async function rows(): Promise<PackageInput> {
  const built = await buildTestPackage();
  const m = built.manifest;
  return {
    matter: m.matter,
    exportedAt: m.exportedAt,
    exportedBy: m.exportedBy,
    auditKey: m.auditKey,
    archiveFingerprint: m.archive.fingerprint,
    directory: [
      ...m.directory,
      {
        userId: 'front.desk',
        signingKeys: [{ key: m.auditKey, from: 0, until: null }],
        displayName: 'Not in the matter',
        role: 'front-desk',
      },
    ],
    messages: m.messages.map(({ envelope, acceptedAt, expiresAt, recall, receipts, attachments }) => ({
      envelope,
      acceptedAt,
      expiresAt,
      recall,
      receipts,
      attachments,
    })),
  };
}

describe('buildPackageManifest', () => {
  it('gives one manifest whatever order the rows come in, and a digest over it', async () => {
    const input = await rows();
    const a = buildPackageManifest(input, nodeSha256);
    const b = buildPackageManifest(
      { ...input, messages: [...input.messages].reverse(), directory: [...input.directory].reverse() },
      nodeSha256,
    );
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(b.value).toEqual(a.value);
    expect(a.value.digest).toBe(packageDigest(contentsOf(a.value), nodeSha256));
    expect(a.value.messages.map((m) => m.state)).toEqual(['standing', 'recalled', 'expired', 'standing']);
    // Only the people the messages name.
    expect(a.value.directory.map((p) => p.userId)).toEqual(['dr.olafsdottir', 'nurse.adams']);
  });

  it('decides state at the export: an expiry after it is still standing', async () => {
    const input = await rows();
    const before = buildPackageManifest({ ...input, exportedAt: EXPORTED_AT - 40 * 3_600_000 }, nodeSha256);
    expect(before.ok && before.value.messages.map((m) => m.state)).toEqual([
      'standing',
      'recalled',
      'standing',
      'standing',
    ]);
  });

  it('refuses a sender without a directory key, and blobs that are not those the header names', async () => {
    const input = await rows();
    const first = input.messages[0]!;
    expect(
      buildPackageManifest(
        { ...input, directory: input.directory.filter((p) => p.userId !== 'nurse.adams') },
        nodeSha256,
      ),
    ).toEqual({ ok: false, error: { code: 'SENDER_NOT_IN_DIRECTORY', messageId: first.envelope.header.id } });
    expect(
      buildPackageManifest(
        { ...input, messages: [{ ...first, attachments: [] }, ...input.messages.slice(1)] },
        nodeSha256,
      ),
    ).toEqual({ ok: false, error: { code: 'ATTACHMENTS_INCOMPLETE', messageId: first.envelope.header.id } });
    const bad = buildPackageManifest({ ...input, matter: { ...input.matter, holdIds: [] } }, nodeSha256);
    expect(bad).toEqual({ ok: false, error: { code: 'PACKAGE_INVALID', path: 'matter.holdIds' } });
  });
});

describe('the package digest', () => {
  it('changes with every field it covers, and not with the chain part', async () => {
    const built = await buildTestPackage();
    const contents = contentsOf(built.manifest);
    const digest = packageDigest(contents, nodeSha256);
    const edits: ((c: PackageContents) => void)[] = [
      (c) => (c.matter.name += '.'),
      (c) => c.matter.reasonCodes.push('subpoena'),
      (c) => (c.exportedAt += 1),
      (c) => (c.exportedBy = 'someone.else'),
      (c) => (c.directory[0]!.displayName += '.'),
      (c) => (c.directory[0]!.role = 'it-admin'),
      // The key history: a key added, a period moved, a period ended.
      (c) =>
        c.directory[0]!.signingKeys.unshift({ key: c.auditKey, from: 0, until: c.directory[0]!.signingKeys[0]!.from }),
      (c) => (c.directory[0]!.signingKeys[0]!.from -= 1),
      (c) => (c.directory[0]!.signingKeys[0]!.until = EXPORTED_AT),
      (c) => (c.messages[0]!.acceptedAt += 1),
      (c) => (c.messages[0]!.receipts[0]!.kind = 'delivered'),
      (c) => (c.messages[0]!.attachments[0]!.size += 1),
      (c) => (c.messages[1]!.recall!.recalledAt += 1),
      (c) => (c.messages[2]!.state = 'standing'),
      (c) => (c.messages[3]!.envelope.signature = c.messages[2]!.envelope.signature),
      (c) => (c.messages[3]!.envelope.header.priority = 'stat'),
      (c) => c.messages.reverse(),
    ];
    for (const edit of edits) {
      const copy = structuredClone(contents);
      edit(copy);
      expect(packageDigest(copy, nodeSha256)).not.toBe(digest);
    }
    const rechained = structuredClone(built.manifest);
    rechained.chain.head.timestamp += 1;
    expect(packageDigest(contentsOf(rechained), nodeSha256)).toBe(digest);
    expect(packageManifest.safeParse(JSON.parse(JSON.stringify(built.manifest))).success).toBe(true);
  });
});
