/**
 * The server never holds a message's text, and never logs names, search queries, passwords,
 * tokens or TOTP secrets. After a realistic session (sign-in, directory search, send, receipt,
 * recall, history) the PGlite files, the PostgreSQL relay tables and the log are scanned for
 * the exact strings used. Names are in the account tables by design: the scans of the whole
 * PGlite folder and of the account table find them, which shows the scans can find anything.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signRecall } from '../../../shared/node/crypto/recall-signature';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  readyUsers,
  sealMessage,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
  HOOK_TIMEOUT_MS,
} from '../../support/server-fixtures';
import { filesUnder } from '../../support/files-under';

const postgres = usePostgres();

const MESSAGE_TEXT = 'Ignatius Marmaduke-Ozymandias, MRN 4417-2291, potassium 7.9: call me';
const RECALLED_TEXT = 'Wrong bed: Philippa Trelawney-Vandersloot in 12B, not 12A';
const NAMES = ['Zephyrine Quillfeather', 'Barnabus Ottoline-Crane'];
const QUERY = 'Quillfeath';
const RELAY_TABLES = ['envelopes', 'envelope_recipients', 'receipts', 'feed_events'];

function foundIn(haystack: Buffer, needle: string): boolean {
  return haystack.includes(Buffer.from(needle, 'utf8'));
}

const targets: TestServer[] = [];
afterAll(async () => {
  for (const target of targets) await target.dispose();
}, HOOK_TIMEOUT_MS);

describe.each(BACKENDS)('PHI at rest and in the log on %s', (backend) => {
  it('holds only ciphertext of messages and logs no names, queries or secrets', async () => {
    const target = await startTestServer(backend, { postgres: postgres() });
    targets.push(target);
    const [nurse, doctor] = (await readyUsers(target, [
      { userId: 'nurse.q', displayName: NAMES[0]!, department: 'Oncology Ward 7', title: 'Night Sister' },
      { userId: 'dr.o', displayName: NAMES[1]!, role: 'physician', department: 'Oncology', title: 'Consultant' },
    ])) as [TestUser, TestUser];
    const stream = await target.stream(token(doctor));
    stream.resume(0);
    await stream.untilReady();

    const found = await target.api.ok('searchDirectory', { query: QUERY, limit: 5 }, token(doctor));
    expect(found.entries).toHaveLength(1);
    const conversationId = randomUUID();
    const kept = await sealMessage(target, { from: nurse, to: [doctor], text: MESSAGE_TEXT, conversationId });
    const recalled = await sealMessage(target, { from: nurse, to: [doctor], text: RECALLED_TEXT, conversationId });
    await target.api.ok('send', { envelope: kept }, token(nurse));
    await target.api.ok('send', { envelope: recalled }, token(nurse));
    await stream.next();
    await target.api.ok('receipts', { receipts: [{ messageId: kept.header.id, kind: 'read' }] }, token(doctor));
    const recalledAt = target.clock.now();
    const signature = await signRecall(
      { messageId: recalled.header.id, senderId: nurse.userId, recalledAt },
      nurse.identity!.signing.privateKey,
    );
    await target.api.ok('recall', { messageId: recalled.header.id, recalledAt, signature }, token(nurse));
    expect(
      (await target.api.ok('history', { conversationId, before: null, limit: 10 }, token(doctor))).envelopes,
    ).toHaveLength(1);
    await target.api.refused('login', { userId: nurse.userId, authKey: 'bad' }, undefined);
    await target.close();

    const log = target.log.text();
    expect(log).toContain('"route":"/v1/messages/send"');
    const secrets = [
      MESSAGE_TEXT,
      RECALLED_TEXT,
      ...NAMES,
      QUERY,
      'Oncology',
      'Night Sister',
      nurse.password,
      nurse.totpSecret!,
      token(nurse),
      token(doctor),
      kept.ciphertext.slice(0, 40),
    ];
    for (const secret of secrets) expect(log, 'the log').not.toContain(secret);

    if (backend === 'pglite') {
      const files = filesUnder(path.join(target.dataDir, 'pglite')).map((file) => readFileSync(file));
      expect(files.length).toBeGreaterThan(10);
      for (const text of [MESSAGE_TEXT, RECALLED_TEXT])
        expect(
          files.some((bytes) => foundIn(bytes, text)),
          text,
        ).toBe(false);
      // Control: the scan does see plain strings the server stores (the directory's names).
      expect(files.some((bytes) => foundIn(bytes, NAMES[0]!))).toBe(true);
      // The ciphertext itself is there, until recall deleted it.
      expect(files.some((bytes) => foundIn(bytes, kept.ciphertext.slice(0, 40)))).toBe(true);
    } else {
      const cluster = postgres();
      const relay = await cluster.dumpTables(target.databaseUrl!, RELAY_TABLES);
      expect(relay).toContain(kept.header.id);
      for (const text of [MESSAGE_TEXT, RECALLED_TEXT, ...NAMES, 'Oncology']) expect(relay, text).not.toContain(text);
      expect(relay).not.toContain(recalled.ciphertext.slice(0, 40));
      const accounts = await cluster.dumpTables(target.databaseUrl!, ['accounts']);
      expect(accounts).toContain(NAMES[0]);
      expect(accounts).not.toContain(nurse.password);
    }
  });
});
