/**
 * `archive:open` against tampered packages (test/support/ediscovery-package.ts builds real ones):
 * an envelope, a ciphertext, a blob, the manifest, a state, a recall signature, the chain's
 * record, proof or head, the audit key, a blob swapped consistently by the server: each fails
 * with its own code and the message at fault, and writes nothing but the log line.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptAttachment } from '../../../shared/node/crypto/attachment-cipher';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { hex } from '../../../shared/audit/audit-chain';
import { nodeSha256 } from '../../../shared/node/ediscovery/package-verify';
import { PACKAGE_MANIFEST_FILE } from '../../../shared/protocol/ediscovery-package';
import { buildTestPackage, TEXTS, type BuiltPackage } from '../../support/ediscovery-package';
import { expectNothingWritten, logOf, open, tamper } from '../../support/archive-open-run';

// Each test builds and opens a real package: seconds each on a loaded CI machine.
describe('a tampered package fails by name, and nothing is written', { timeout: 30_000 }, () => {
  const cases: [string, (built: BuiltPackage) => void, string[]][] = [
    [
      'an envelope changed',
      (built) =>
        tamper(built, (m) => {
          const envelope = m.messages[0]!.envelope;
          envelope.header.sentAt += 1;
        }),
      ['SIGNATURE_INVALID', 'DIGEST_MISMATCH'],
    ],
    [
      'a ciphertext changed',
      (built) =>
        tamper(built, (m) => {
          const envelope = m.messages[3]!.envelope;
          const bytes = Buffer.from(envelope.ciphertext, 'base64');
          bytes[5]! ^= 1;
          envelope.ciphertext = bytes.toString('base64');
        }),
      ['SIGNATURE_INVALID'],
    ],
    [
      'a blob changed',
      (built) =>
        writeFileSync(built.blobFile, Buffer.concat([readFileSync(built.blobFile).subarray(0, -1), Buffer.from([0])])),
      ['BLOB_HASH_MISMATCH'],
    ],
    [
      'a blob cut short',
      (built) => writeFileSync(built.blobFile, readFileSync(built.blobFile).subarray(1)),
      ['BLOB_SIZE_MISMATCH'],
    ],
    [
      'the manifest changed',
      (built) => tamper(built, (m) => (m.matter.name = 'Another matter')),
      ['DIGEST_MISMATCH', 'CHAIN_DIGEST_MISMATCH'],
    ],
    [
      'a state changed (a recalled message shown standing)',
      (built) => tamper(built, (m) => (m.messages[1]!.recall = null)),
      ['STATE_INCONSISTENT', 'DIGEST_MISMATCH'],
    ],
    [
      'a recall signature that is not the sender’s',
      (built) => tamper(built, (m) => (m.messages[1]!.recall!.recalledAt += 1)),
      ['RECALL_SIGNATURE_INVALID'],
    ],
    [
      'an inclusion proof changed',
      (built) => tamper(built, (m) => (m.chain.inclusionProof[0] = '0'.repeat(64))),
      ['CHAIN_PROOF_INVALID'],
    ],
    [
      'the export record changed',
      (built) => tamper(built, (m) => (m.chain.entry.record.actor.userId = 'it.admin')),
      ['CHAIN_RECORD_INVALID'],
    ],
    [
      'a head changed after it was signed',
      (built) => tamper(built, (m) => (m.chain.head.timestamp += 1)),
      ['CHAIN_HEAD_INVALID'],
    ],
    [
      'a manifest of another shape',
      (built) => tamper(built, (m) => Object.assign(m, { extra: true })),
      ['MANIFEST_INVALID'],
    ],
    [
      'a blob id that points outside the package',
      (built) => tamper(built, (m) => (m.messages[0]!.attachments[0]!.blobId = '../../keys/archive-key.json')),
      ['MANIFEST_INVALID (messages.0.attachments.0.blobId)'],
    ],
    [
      'a sender not in the directory',
      (built) => tamper(built, (m) => m.directory.splice(1, 1)),
      ['SENDER_NOT_IN_DIRECTORY'],
    ],
  ];
  it.each(cases)('%s', async (_, change, codes) => {
    const built = await buildTestPackage();
    change(built);
    const run = await open(['--key', built.keyFile, '--audit-key', built.auditKey, built.folder]);
    expect(run.code).toBe(1);
    for (const code of codes) expect(run.err).toContain(code);
    expect(run.err).toContain('Nothing was written.');
    expectNothingWritten(built);
    expect(logOf(built)).toMatch(/result=refused codes=[A-Z_,]+\n$/);
    for (const secret of Object.values(TEXTS)) expect(run.err).not.toContain(secret);
  });

  it('names the message at fault', async () => {
    const built = await buildTestPackage();
    tamper(built, (m) => (m.messages[1]!.recall!.recalledAt += 1));
    const run = await open(['--key', built.keyFile, built.folder]);
    expect(run.err).toContain(`RECALL_SIGNATURE_INVALID (message ${built.ids.recalled})`);
  });

  it('refuses a package pinned to another audit key (AUDIT_KEY_MISMATCH)', async () => {
    const built = await buildTestPackage();
    const other = Buffer.from((await loadSodium()).crypto_sign_keypair().publicKey).toString('base64');
    const run = await open(['--key', built.keyFile, '--audit-key', other, built.folder]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('AUDIT_KEY_MISMATCH');
    expectNothingWritten(built);
  });

  it('refuses a blob the server swapped consistently (listed hash and chain agree) as ATTACHMENT_DAMAGED', async () => {
    const swapped = await encryptAttachment((await loadSodium()).randombytes_buf(1000));
    const built = await buildTestPackage({
      adjust: (input) => {
        const first = input.messages[0]!;
        input.messages[0] = {
          ...first,
          attachments: [
            {
              blobId: first.attachments[0]!.blobId,
              size: swapped.ciphertext.length,
              sha256: hex(nodeSha256(swapped.ciphertext)),
            },
          ],
        };
      },
    });
    writeFileSync(built.blobFile, swapped.ciphertext);
    const run = await open(['--key', built.keyFile, '--audit-key', built.auditKey, built.folder]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`ATTACHMENT_DAMAGED (message ${built.ids.standing}`);
    expectNothingWritten(built);
    // No half-written temporary folder either.
    expect(readdirSync(built.root).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('says so when the package cannot be read (exit 2)', async () => {
    const built = await buildTestPackage();
    writeFileSync(path.join(built.folder, PACKAGE_MANIFEST_FILE), '{not json');
    const run = await open(['--key', built.keyFile, built.folder]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('MANIFEST_NOT_JSON');
  });
});
