/**
 * Issue 20 from end to end, through the real cores and server (on PGlite or PostgreSQL, one test
 * file each): the compliance team's archive key (archive:keygen) is in every workstation's policy
 * and required by the server. A
 * nurse and a physician exchange messages, one with a PDF; a compliance officer holds the nurse's
 * messages for a matter; the nurse recalls one and another expires; the officer exports the
 * matter; `archive:open` with the archive key writes every message, the recalled and the expired
 * one marked so, signatures verified, the attachment whole. With another key, or a package
 * changed after export, it fails and names why, and writes nothing. Then IT resets the nurse's
 * password (her keys are removed), she signs in again with new keys and sends one more: the next
 * export carries her key history, and archive:open verifies every message by the key she had when
 * the server accepted it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArchiveKeygen } from '../../launch/archive-keygen';
import { runArchiveOpen } from '../../launch/archive-open';
import { writeNewPrivateFiles } from '../../shared/node/archive/archive-key-files';
import { loadSodium } from '../../shared/node/crypto/sodium';
import { PACKAGE_BLOBS_FOLDER } from '../../shared/protocol/ediscovery-package';
import type { RequestOf } from '../../shared/ipc/contract';
import { attachFile } from './attach-file';
import { pdfWithText } from './attachment-fixtures';
import { account, signIn, startTestServer, totpCode, type TestServer } from './messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from './workstation';
import { usePostgres } from './postgres';

const nurse = account('nurse.osei', 'nurse', 'Ama Osei', 'Ward 7', 'Staff Nurse');
const doctor = account('dr.lindqvist', 'physician', 'Erik Lindqvist', 'Surgery', 'Registrar');
const officer = account(
  'compliance.duarte',
  'compliance-officer',
  'Ines Duarte',
  'Information Governance',
  'Privacy Officer',
);

const MATTER = 'Osei v. St. Elsewhere';
const FIRST = 'Wound photo protocol attached, please review before the round';
const REPLY = 'Reviewed, agree with the dressing plan';
const RECALLED = 'Bed 14 obs were for the wrong patient';
const EXPIRING = 'Door code for the drug room is 4471';
const AFTER_RESET = 'Back on the ward after the password reset, obs due at 14:00';

/** The whole story against a server on `backend`: call once from a test file. */
export function ediscoveryStory(backend: 'pglite' | 'postgres'): void {
  const postgres = backend === 'postgres' ? usePostgres() : null;
  let server: TestServer;
  let serverOffset = 0;
  let folder: string;
  let keyFile: string;
  let otherKeyFile: string;
  let ward: Workstation;
  let office: Workstation;
  let compliance: Workstation;
  let exported = '';
  const pdf = pdfWithText();

  async function makeKey(out: string) {
    const sodium = await loadSodium();
    const made = await runArchiveKeygen(['--out', out], {
      now: () => Date.now(),
      randomKey: () => sodium.randombytes_buf(32),
      writeFiles: writeNewPrivateFiles,
      out: () => undefined,
      err: () => undefined,
    });
    expect(made).toBe(0);
    return JSON.parse(readFileSync(out, 'utf8')) as { publicKey: string; fingerprint: string };
  }

  async function archiveOpen(argv: string[]) {
    let out = '';
    let err = '';
    const code = await runArchiveOpen(argv, {
      now: () => Date.now(),
      osUser: () => 'reviewer.kim',
      host: () => 'legal-pc-7',
      readText: (file) => Promise.resolve(existsSync(file) ? readFileSync(file, 'utf8') : null),
      out: (text) => (out += text),
      err: (text) => (err += text),
    });
    return { code, out, err };
  }

  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'wardline-ediscovery-'));
    keyFile = path.join(folder, 'archive-key.json');
    otherKeyFile = path.join(folder, 'other-key.json');
    const key = await makeKey(keyFile);
    await makeKey(otherKeyFile);
    const policy = { archivePublicKey: key.publicKey, archiveKeyFingerprint: key.fingerprint };
    server = await startTestServer([nurse, doctor, officer], {
      ...(postgres === null ? {} : { databaseUrl: await postgres().createDatabase() }),
      archiveKeyFingerprint: key.fingerprint,
      now: () => Date.now() + serverOffset,
    });
    ward = createWorkstation(server.endpoint, { policy });
    office = createWorkstation(server.endpoint, { policy });
    compliance = createWorkstation(server.endpoint, { policy });
    await Promise.all([signIn(ward, nurse), signIn(office, doctor), signIn(compliance, officer)]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([ward.close(), office.close(), compliance.close()]);
    await server.server.close();
  });

  const toDoctor = (text: string, expiresInSeconds: number | null = null): RequestOf<'message.send'> => ({
    to: [{ kind: 'user', userId: doctor.userId }],
    title: null,
    text,
    priority: 'routine',
    expiresInSeconds,
  });

  describe('a held matter from the ward to the reviewer', () => {
    let conversationId = '';
    let recalledId = '';
    let expiringId = '';

    it('holds what the nurse sends and receives, through her recall and the expiry', async () => {
      const draft = await attachFile(ward, { name: 'wound protocol.pdf', type: 'application/pdf', bytes: pdf });
      if (!draft.ok) throw new Error(draft.error.code);
      const sent = await ward.call('message.send', { ...toDoctor(FIRST), attachments: [draft.value.draftId] });
      if (!sent.ok) throw new Error(sent.error.code);
      conversationId = sent.value.conversationId;
      await eventually(
        () => openThread(office, conversationId).catch(() => null),
        (thread) => thread !== null && thread.messages.length === 1,
      );
      const replied = await office.call('message.send', {
        conversationId,
        text: REPLY,
        priority: 'routine',
        expiresInSeconds: null,
      });
      if (!replied.ok) throw new Error(replied.error.code);
      const wrong = await ward.call('message.send', {
        conversationId,
        text: RECALLED,
        priority: 'routine',
        expiresInSeconds: null,
      });
      const brief = await ward.call('message.send', {
        conversationId,
        text: EXPIRING,
        priority: 'routine',
        expiresInSeconds: 60,
      });
      if (!wrong.ok || !brief.ok) throw new Error('send refused');
      recalledId = wrong.value.messageId;
      expiringId = brief.value.messageId;
      await eventually(
        () => openThread(office, conversationId),
        (thread) => thread.messages.length === 4,
      );

      const placed = await compliance.call('holds.place', {
        matter: MATTER,
        reasonCode: 'litigation',
        custodianId: nurse.userId,
      });
      expect(placed.ok && placed.value.hold.custodian?.userId).toBe(nurse.userId);
      // Refused at the channel for a clinician, whatever the screen shows.
      const nurseTries = await ward.call('holds.exportMatter', { matter: MATTER });
      expect(nurseTries.ok ? null : nurseTries.error.code).toBe('NOT_PERMITTED');

      expect((await ward.call('message.recall', { messageId: recalledId })).ok).toBe(true);
      serverOffset = 61_000;
      await server.server.admin.sweepExpired();
      // The physician sees the recall as before.
      await eventually(
        () => openThread(office, conversationId),
        (thread) => !thread.messages.some((message) => message.text === RECALLED),
      );
    });

    it('exports the matter as a package proven against the server chain, named by no party', async () => {
      // What an export cut off by a crash left: swept by the next one.
      const exportsDir = path.join(compliance.dataDir, 'exports');
      mkdirSync(path.join(exportsDir, '.matter-0123456789abcdef.partial', 'blobs'), { recursive: true });
      // Asked twice at once (a second click): one export, one package.
      const [result, again] = await Promise.all([
        compliance.call('holds.exportMatter', { matter: MATTER }),
        compliance.call('holds.exportMatter', { matter: MATTER }),
      ]);
      expect(again).toEqual(result);
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value).toMatchObject({ messages: 4, attachments: 1 });
      expect(result.value.folderName).toMatch(/^matter-[0-9a-f]{12}-\d{8}T\d{6}\.wardline-matter$/);
      exported = path.join(compliance.dataDir, 'exports', result.value.folderName);
      const manifest = JSON.parse(readFileSync(path.join(exported, 'package.json'), 'utf8')) as {
        messages: { state: string; envelope: { header: { id: string } } }[];
      };
      const states = new Map(manifest.messages.map((message) => [message.envelope.header.id, message.state]));
      expect(states.get(recalledId)).toBe('recalled');
      expect(states.get(expiringId)).toBe('expired');
      // No plaintext in the package: it is ciphertext the workstation cannot open.
      const everything = readFileSync(path.join(exported, 'package.json'), 'utf8');
      for (const text of [FIRST, REPLY, RECALLED, EXPIRING]) expect(everything).not.toContain(text);
      expect(readdirSync(exportsDir).filter((name) => name.startsWith('.'))).toEqual([]);
      expect(readdirSync(exportsDir).filter((name) => name.endsWith('.wardline-matter'))).toHaveLength(1);
    });

    it('opens with the archive key: every message, marked and verified, the attachment whole', async () => {
      const run = await archiveOpen(['--key', keyFile, exported]);
      expect(run.code).toBe(0);
      const review = exported.replace(/\.wardline-matter$/, '.review');
      const emls = readdirSync(path.join(review, 'messages')).map((name) =>
        readFileSync(path.join(review, 'messages', name), 'latin1'),
      );
      expect(emls).toHaveLength(4);
      const byId = (id: string) => emls.find((eml) => eml.includes(id)) ?? '';
      expect(byId(recalledId)).toMatch(/X-Wardline-State: recalled/);
      expect(byId(expiringId)).toMatch(/X-Wardline-State: expired/);
      for (const eml of emls) expect(eml).toMatch(/X-Wardline-Signature: verified/);
      const bodies = emls.map((eml) => decodedParts(eml)).flat();
      for (const text of [FIRST, REPLY, RECALLED, EXPIRING])
        expect(bodies.some((part) => part.includes(text))).toBe(true);
      expect(bodies.some((part) => Buffer.from(part, 'latin1').equals(Buffer.from(pdf)))).toBe(true);
    });

    it('fails by name with another key or a changed package, and writes nothing', async () => {
      const wrong = await archiveOpen(['--key', otherKeyFile, '--out', path.join(folder, 'wrong.review'), exported]);
      expect(wrong.code).toBe(1);
      expect(wrong.err).toContain('ARCHIVE_KEY_WRONG');
      expect(existsSync(path.join(folder, 'wrong.review'))).toBe(false);

      const [blob] = readdirSync(path.join(exported, PACKAGE_BLOBS_FOLDER));
      const blobFile = path.join(exported, PACKAGE_BLOBS_FOLDER, blob ?? '');
      const bytes = readFileSync(blobFile);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
      writeFileSync(blobFile, bytes);
      const tampered = await archiveOpen(['--key', keyFile, '--out', path.join(folder, 'tampered.review'), exported]);
      expect(tampered.code).toBe(1);
      expect(tampered.err).toContain('BLOB_HASH_MISMATCH');
      expect(existsSync(path.join(folder, 'tampered.review'))).toBe(false);
    });
  });

  describe("after IT resets the nurse's password: her keys change, her held messages still verify", () => {
    let afterId = '';

    it('signs what she sends after she signs in again with new keys', async () => {
      const { enrollment } = await server.server.admin.resetPassword(nurse.userId, 'it.schmidt');
      // The reset ended her session; the ward workstation lets her go and she enrolls again.
      await ward.call('session.signOut', {});
      const enrolled = await ward.call('session.enroll', {
        userId: nurse.userId,
        enrollmentCode: enrollment.code,
        password: 'a new and longer password for the ward',
      });
      expect(enrolled).toEqual({ ok: true, value: { step: 'mfa' } });
      // The server's clock runs 61 s ahead (the expiry above): a code of its current step.
      const verified = await ward.call('session.verifyMfa', { code: totpCode(nurse, 2) });
      expect(verified.ok && verified.value.state).toBe('unlocked');
      const sent = await ward.call('message.send', toDoctor(AFTER_RESET));
      if (!sent.ok) throw new Error(sent.error.code);
      afterId = sent.value.messageId;
    });

    it('exports every held message with her key history, and archive:open verifies each by its own key', async () => {
      const result = await compliance.call('holds.exportMatter', { matter: MATTER });
      if (!result.ok) throw new Error(result.error.code);
      expect(result.value.messages).toBe(5);
      const folder = path.join(compliance.dataDir, 'exports', result.value.folderName);
      const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
        version: number;
        directory: { userId: string; signingKeys: { key: string; from: number; until: number | null }[] }[];
      };
      expect(manifest.version).toBe(2);
      const keys = manifest.directory.find((person) => person.userId === nurse.userId)?.signingKeys ?? [];
      expect(keys).toHaveLength(2);
      expect(keys[0]?.until).toBe(keys[1]?.from);
      expect(keys[1]?.until).toBeNull();

      const out = path.join(path.dirname(exported), 'after-reset.review');
      const run = await archiveOpen(['--key', keyFile, '--out', out, folder]);
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      const review = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
        messages: { messageId: string; sender: string; signature: string; signingKey: string; content: string }[];
      };
      const nurseKeys = review.messages.filter((m) => m.sender === nurse.userId).map((m) => m.signingKey);
      // Three from her before the reset (one recalled, one expired), by her first key; one after, by her new one.
      expect(nurseKeys).toEqual([keys[0]?.key, keys[0]?.key, keys[0]?.key, keys[1]?.key]);
      expect(review.messages.find((m) => m.messageId === afterId)?.signingKey).toBe(keys[1]?.key);
      expect(review.messages.every((m) => m.signature === 'verified' && m.content === 'opened')).toBe(true);
      const emls = readdirSync(path.join(out, 'messages')).map((name) =>
        readFileSync(path.join(out, 'messages', name), 'latin1'),
      );
      const bodies = emls.map((eml) => decodedParts(eml)).flat();
      for (const text of [FIRST, REPLY, RECALLED, EXPIRING, AFTER_RESET])
        expect(bodies.some((part) => part.includes(text))).toBe(true);
    });
  });

  /** Each MIME part's body, base64 decoded, as latin1 text (so binary parts compare byte for byte). */
  function decodedParts(eml: string): string[] {
    return eml
      .split(/\r\n--[^\r\n]+\r\n/)
      .map((part) => {
        const at = part.indexOf('\r\n\r\n');
        const body = part.slice(at + 4).split(/\r\n--/)[0] ?? '';
        return Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('latin1');
      })
      .concat(eml);
  }
}
