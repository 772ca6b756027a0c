/**
 * `npm run archive:open` as the compliance team runs it, on real packages (test/support/
 * ediscovery-package.ts: envelopes sealed by the real sealing code, a real encrypted attachment,
 * a real recall signature, a chain signed with a real audit key): the package opens into one
 * .eml per message with the right headers, bodies and attachments, recalled and expired
 * messages marked; shares work; the wrong key fails by name and leaves no export (tampering:
 * archive-open-tamper.test.ts); and every run leaves a line in the log beside the package that
 * carries nothing from inside the messages.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveKeyFileText } from '../../../shared/node/archive/archive-key-file';
import { archiveKeyPairOf } from '../../../shared/node/archive/archive-key-pair';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { OPEN_LOG_FILE } from '../../../shared/node/ediscovery/open-log';
import { isArchiveRecipient } from '../../../shared/protocol/archive-key';
import { b64, resign, unb64 } from '../crypto/fixtures';
import {
  ATTACHMENT_NAME,
  buildTestPackage,
  NURSE_NAME,
  PATIENT,
  PHYSICIAN_NAME,
  TEXTS,
  TITLE,
  type BuiltPackage,
} from '../../support/ediscovery-package';
import { expectNothingWritten, logOf, open, reviewOf } from '../../support/archive-open-run';

interface Eml {
  headers: Map<string, string>;
  raw: string;
  parts: { headers: Map<string, string>; body: Buffer }[];
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('latin1'))
    .replace(/[\x80-\xff]+/g, (bytes) => Buffer.from(bytes, 'latin1').toString('utf8'));
}

function headersOf(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function parseEml(raw: string): Eml {
  const split = raw.indexOf('\r\n\r\n');
  const headers = headersOf(raw.slice(0, split));
  const rest = raw.slice(split + 4);
  const boundary = /boundary="([^"]+)"/.exec(headers.get('content-type') ?? '')?.[1];
  const part = (text: string) => {
    const at = text.indexOf('\r\n\r\n');
    return {
      headers: headersOf(text.slice(0, at)),
      body: Buffer.from(text.slice(at + 4).replace(/\r\n/g, ''), 'base64'),
    };
  };
  if (boundary === undefined)
    return { headers, raw, parts: [{ headers, body: Buffer.from(rest.replace(/\r\n/g, ''), 'base64') }] };
  const sections = rest.split(`--${boundary}`).slice(1, -1);
  return { headers, raw, parts: sections.map((section) => part(section.replace(/^\r\n/, ''))) };
}

function emlFor(built: BuiltPackage, messageId: string): Eml {
  const folder = path.join(reviewOf(built), 'messages');
  const name = readdirSync(folder).find((file) => file.includes(messageId))!;
  return parseEml(readFileSync(path.join(folder, name), 'latin1'));
}

// Each test builds and opens real packages (sealing, signing, files): seconds each on a loaded CI machine.
describe('opening a package', { timeout: 30_000 }, () => {
  it('writes one .eml per message, with verified signatures, states, bodies and attachments', async () => {
    const built = await buildTestPackage();
    const run = await open(['--key', built.keyFile, '--audit-key', built.auditKey, built.folder]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('OK: 4 messages (1 recalled, 1 expired), 1 attachments');
    expect(run.out).not.toContain('WARNING');

    const standing = emlFor(built, built.ids.standing);
    expect(decodeWords(standing.headers.get('from')!)).toBe(`${NURSE_NAME} <nurse.adams@wardline.invalid>`);
    expect(standing.headers.get('to')).toMatch(/^=\?UTF-8\?B\?/); // a name beyond ASCII is encoded
    expect(decodeWords(standing.headers.get('to')!)).toBe(`${PHYSICIAN_NAME} <dr.olafsdottir@wardline.invalid>`);
    expect(decodeWords(standing.headers.get('subject')!)).toBe(TITLE);
    expect(standing.headers.get('date')).toBe('Sat, 05 Dec 2026 09:00:00 +0000');
    expect(standing.headers.get('message-id')).toBe(`<${built.ids.standing}@wardline.invalid>`);
    expect(standing.headers.get('x-wardline-conversation')).toBe(built.manifest.matter.conversationIds[0]);
    expect(standing.headers.get('x-wardline-patient-reference')).toBe(PATIENT.ref);
    expect(standing.headers.get('x-wardline-state')).toBe('standing');
    expect(standing.headers.get('x-wardline-signature')).toBe('verified');
    expect(standing.parts[0]!.body.toString('utf8')).toBe(TEXTS.standing);
    const file = standing.parts[1]!;
    expect(file.headers.get('content-type')).toContain('application/pdf');
    const disposition = file.headers.get('content-disposition')!;
    expect(decodeURIComponent(/filename\*=UTF-8''([^;\s]+)/.exec(disposition)![1]!)).toBe(ATTACHMENT_NAME);
    expect(file.body.equals(Buffer.from(built.attachment))).toBe(true);

    const recalled = emlFor(built, built.ids.recalled);
    expect(recalled.headers.get('x-wardline-state')).toBe('recalled; at=2026-12-05T10:30:00.000Z');
    expect(recalled.parts[0]!.body.toString('utf8')).toBe(TEXTS.recalled);
    const expired = emlFor(built, built.ids.expired);
    expect(expired.headers.get('x-wardline-state')).toBe('expired; at=2026-12-06T11:00:00.000Z');
    const reply = emlFor(built, built.ids.reply);
    expect(reply.parts[0]!.body.toString('utf8')).toBe(TEXTS.reply);

    // Every line within 78 characters, CRLF only.
    for (const eml of [standing, recalled, expired, reply]) {
      for (const line of eml.raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
      expect(eml.raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    }

    // The review manifest lists each file with its SHA-256.
    const review = JSON.parse(readFileSync(path.join(reviewOf(built), 'manifest.json'), 'utf8')) as {
      packageDigest: string;
      messages: { messageId: string; file: string; sha256: string; state: string }[];
    };
    expect(review.packageDigest).toBe(built.manifest.digest);
    expect(review.messages.map((m) => m.state)).toEqual(['standing', 'recalled', 'expired', 'standing']);
    for (const entry of review.messages) {
      const bytes = readFileSync(path.join(reviewOf(built), entry.file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
    }

    // The log: who, when, which package, the result; nothing from inside the messages.
    const log = logOf(built);
    expect(log).toBe(
      `2026-12-08T10:00:00.000Z user=reviewer.kim host=legal-pc-7 package=smith-v-general.wardline-matter ` +
        `digest=${built.manifest.digest} result=opened messages=4 out=${reviewOf(built)}\n`,
    );
    for (const secret of [
      ...Object.values(TEXTS),
      TITLE,
      PATIENT.label,
      PATIENT.ref,
      NURSE_NAME,
      PHYSICIAN_NAME,
      ATTACHMENT_NAME,
    ])
      expect(log).not.toContain(secret);
    for (const id of Object.values(built.ids)) expect(log).not.toContain(id);
  });

  it('opens with K of N shares, and refuses K-1 without writing', async () => {
    const built = await buildTestPackage();
    const few = await open(['--key', built.shareFiles[0]!, built.shareFiles[3]!, built.folder]);
    expect(few.code).toBe(2);
    expect(few.err).toContain('TOO_FEW_SHARES');
    expectNothingWritten(built);
    const run = await open(['--key', built.shareFiles[4]!, built.shareFiles[1]!, built.shareFiles[2]!, built.folder]);
    expect(run.code).toBe(0);
    // Without --audit-key, the package's own key is used and said so.
    expect(run.out).toContain("WARNING: the server's audit key was taken from the package itself");
    expect(
      logOf(built)
        .split('\n')
        .filter(Boolean)
        .map((line) => / result=(\w+)/.exec(line)?.[1]),
    ).toEqual(['refused', 'opened']);
  });

  it('refuses another archive key by name (ARCHIVE_KEY_WRONG) and writes nothing', async () => {
    const built = await buildTestPackage();
    const other = await archiveKeyPairOf((await loadSodium()).randombytes_buf(32));
    const otherFile = path.join(built.root, 'keys', 'other.json');
    writeFileSync(otherFile, archiveKeyFileText(other, Date.now()));
    const run = await open(['--key', otherFile, built.folder]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('ARCHIVE_KEY_WRONG');
    expect(run.err).toContain('not the archive key this package was sealed to');
    expectNothingWritten(built);
    expect(logOf(built)).toContain('result=refused codes=ARCHIVE_KEY_WRONG');
  });

  it('writes a message not sealed to the archive, or sealed to it with nonsense, marked so (signed by its sender)', async () => {
    const sodium = await loadSodium();
    const built = await buildTestPackage({
      adjust: async (input, { nurse, physician }) => {
        const expired = input.messages[2]!;
        const reply = input.messages[3]!;
        // Sealed with no archive entry at all (before the archive key existed).
        const unarchived = {
          ...expired.envelope,
          keys: expired.envelope.keys.filter((key) => !isArchiveRecipient(key.recipient)),
        };
        // An archive entry holding a content key that is not the message's (a modified client).
        const nonsense = {
          ...reply.envelope,
          keys: reply.envelope.keys.map((key) =>
            isArchiveRecipient(key.recipient)
              ? { ...key, sealedKey: b64(sodium.crypto_box_seal(sodium.randombytes_buf(32), unb64(key.publicKey))) }
              : key,
          ),
        };
        input.messages[2] = { ...expired, envelope: await resign(unarchived, nurse) };
        input.messages[3] = { ...reply, envelope: await resign(nonsense, physician) };
      },
    });
    const run = await open(['--key', built.keyFile, '--audit-key', built.auditKey, built.folder]);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`NOTE: message ${built.ids.expired}: not sealed to the archive key`);
    expect(run.out).toContain(`NOTE: message ${built.ids.reply}: its content does not open with the archive key`);
    const expired = emlFor(built, built.ids.expired);
    expect(expired.headers.get('x-wardline-content')).toBe('not-archived');
    expect(expired.headers.get('x-wardline-signature')).toBe('verified');
    expect(expired.headers.get('x-wardline-state')).toMatch(/^expired; at=/);
    expect(emlFor(built, built.ids.reply).headers.get('x-wardline-content')).toBe('does-not-open');
    expect(emlFor(built, built.ids.standing).headers.get('x-wardline-content')).toBe('opened');
  });

  it('keeps nothing when the review folder cannot be made (OUTPUT_UNWRITABLE)', async () => {
    const built = await buildTestPackage();
    const run = await open([
      '--key',
      built.keyFile,
      '--out',
      path.join(built.root, 'no', 'such', 'folder'),
      built.folder,
    ]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('OUTPUT_UNWRITABLE');
    expectNothingWritten(built);
  });

  it('opens once when two runs race to the same review folder; the other keeps nothing', async () => {
    const built = await buildTestPackage();
    const runs = await Promise.all([
      open(['--key', built.keyFile, built.folder]),
      open(['--key', built.keyFile, built.folder]),
    ]);
    expect(runs.map((run) => run.code).sort()).toEqual([0, 2]);
    expect(readdirSync(path.join(reviewOf(built), 'messages'))).toHaveLength(4);
    expect(readdirSync(built.root).filter((name) => name.includes('partial'))).toEqual([]);
    expect(logOf(built).match(/result=opened/g)).toHaveLength(1);
  });

  it('keeps nothing when the log beside the package cannot be written (LOG_UNWRITABLE)', async () => {
    const built = await buildTestPackage();
    mkdirSync(path.join(built.root, OPEN_LOG_FILE)); // a folder where the log would go
    const run = await open(['--key', built.keyFile, built.folder]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('LOG_UNWRITABLE');
    expect(existsSync(reviewOf(built))).toBe(false);
  });

  it('refuses to write over an existing review folder', async () => {
    const built = await buildTestPackage();
    expect((await open(['--key', built.keyFile, built.folder])).code).toBe(0);
    const again = await open(['--key', built.keyFile, built.folder]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists');
  });
});
