/**
 * The server's key history (migration 25, server/directory/key-history-store.ts), on each
 * backend: each distinct key pair a person publishes is kept with the server's time, once, in
 * order, through a password reset that removes the current keys; twenty publishes at once by one
 * person neither repeat a key nor lose one; the table refuses every change but an insert, and a
 * history at its limit refuses a new key.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateIdentityKeys, publicKeysOf, wrapIdentityKeys } from '../../../main/crypto/identity-keys';
import type { Database } from '../../../server/db/database';
import { openDatabase } from '../../../server/db/open-database';
import { migrate } from '../../../server/db/migrate';
import { openPgliteDatabase } from '../../../server/db/pglite-database';
import { openPostgresDatabase } from '../../../server/db/postgres-database';
import { findIdentity, removeIdentity, storeIdentity } from '../../../server/directory/identity-store';
import { publishedSigningKeysOf } from '../../../server/directory/key-history-store';
import { insertAccount } from '../../../server/accounts/account-store';
import type { IdentityPublicKeys } from '../../../shared/protocol/identity';
import { MAX_SIGNING_KEYS } from '../../../shared/protocol/signing-key-history';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  HOOK_TIMEOUT_MS,
  readyUsers,
  sealMessage,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';
import { seedPgliteFromTemplate } from '../../support/pglite-template';

const postgres = usePostgres();
const WRAPPED = Buffer.alloc(64, 1).toString('base64');

async function newKeys(): Promise<IdentityPublicKeys> {
  return publicKeysOf(await generateIdentityKeys());
}

describe.each(BACKENDS)('the key history through the server on %s', (backend) => {
  let target: TestServer;
  let nurse: TestUser;
  let doctor: TestUser;
  let officer: TestUser;
  let tag = '';

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);
  beforeEach(async () => {
    tag = randomUUID().slice(0, 6);
    [nurse, doctor, officer] = (await readyUsers(target, [
      { userId: `nurse${tag}`, displayName: 'Grace Adams' },
      { userId: `doctor${tag}`, displayName: 'Chidi Okafor', role: 'physician' },
      { userId: `officer${tag}`, displayName: 'Ines Duarte', role: 'compliance-officer' },
    ])) as [TestUser, TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);

  const publish = (user: TestUser, publicKeys: IdentityPublicKeys) =>
    target.api.raw('POST', '/v1/keys/identity', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(user)}` },
      body: JSON.stringify({ publicKeys, wrappedPrivateKeys: WRAPPED }),
    });
  /** Holds the nurse's messages and has the doctor write to her, so a matter page names her. */
  const holdNurse = async (matter: string) => {
    await target.api.ok(
      'placeMessageHold',
      { matter, reasonCode: 'litigation', custodianId: nurse.userId },
      token(officer),
    );
    const envelope = await sealMessage(target, { from: doctor, to: [nurse], text: 'Seen' });
    await target.api.ok('send', { envelope }, token(doctor));
  };
  /** The nurse's key periods as a compliance officer's matter page serves them. */
  const nursePeriods = async (matter: string) => {
    const page = await target.api.ok('matterMessages', { matter, after: null }, token(officer));
    return page.people.find((person) => person.userId === nurse.userId)?.signingKeys;
  };

  it('keeps each new key from the time it was published, once, through a reset that removes it', async () => {
    const matter = `Adams v. General ${tag}`;
    await holdNurse(matter);
    const first = publicKeysOf(nurse.identity!).signing;
    const since = await nursePeriods(matter);
    expect(since).toEqual([{ key: first, from: expect.any(Number) as number, until: null }]);
    // The same keys again (a client that publishes at every sign-in) change nothing.
    target.clock.advance(60_000);
    expect((await publish(nurse, publicKeysOf(nurse.identity!))).status).toBe(200);
    expect(await nursePeriods(matter)).toEqual(since);
    target.clock.advance(60_000);
    const changedAt = target.clock.now();
    const second = await newKeys();
    expect((await publish(nurse, second)).status).toBe(200);

    // A reset removes the keys she has now; what she had stays.
    await target.server.admin.resetPassword(nurse.userId, 'it.schmidt');
    const removed = await target.api.ok('lookupKeys', { userIds: [nurse.userId] }, token(doctor));
    expect(removed.users.filter((user) => user.publicKeys !== null)).toEqual([]);
    const periods = (await nursePeriods(matter))!;
    expect(periods).toEqual([
      { key: first, from: since![0]!.from, until: periods[1]!.from },
      { key: second.signing, from: periods[1]!.from, until: null },
    ]);
    expect(periods[1]!.from).toBeGreaterThanOrEqual(changedAt);
    expect(periods[1]!.from).toBeLessThan(changedAt + 10_000);
  });

  // Last in this block: it stops the server to read the rows themselves.
  it('takes twenty publishes at once by one person without repeating or losing a key', async () => {
    const same = await newKeys();
    const answers = await Promise.all(Array.from({ length: 20 }, () => publish(nurse, same)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    const distinct = await Promise.all(Array.from({ length: 20 }, () => newKeys()));
    const many = await Promise.all(distinct.map((keys) => publish(nurse, keys)));
    expect(many.map((answer) => answer.status)).toEqual(Array(20).fill(200));

    await target.close();
    const db = await openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
    try {
      const rows = (await publishedSigningKeysOf(db, [nurse.userId])).get(nurse.userId)!;
      // Her first key, the one pair published twenty times once, and each of the twenty once.
      expect(rows.map((row) => row.key).sort()).toEqual(
        [publicKeysOf(nurse.identity!).signing, same.signing, ...distinct.map((k) => k.signing)].sort(),
      );
      // In the order they committed, never back in time, the last the keys she has now.
      const times = rows.map((row) => row.publishedAt);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(rows.at(-1)?.key).toBe((await findIdentity(db, nurse.userId))?.publicKeys.signing);
    } finally {
      await db.close();
    }
  });
});

describe.each(BACKENDS)('the identity_key_history table on %s', (backend) => {
  let db: Database;
  let cleanup: () => void = () => undefined;
  const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);

  beforeAll(async () => {
    if (backend === 'postgres') db = await openPostgresDatabase(await postgres().createDatabase());
    else {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-key-history-'));
      await seedPgliteFromTemplate(dataDir);
      db = await openPgliteDatabase(path.join(dataDir, 'pglite'));
      cleanup = () => rmSync(dataDir, { recursive: true, force: true });
    }
    await migrate(db);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await db.close();
    cleanup();
  }, HOOK_TIMEOUT_MS);

  const person = async (userId: string) => {
    await insertAccount(
      db,
      {
        userId,
        displayName: userId,
        role: 'nurse',
        department: 'Ward 4',
        title: 'Nurse',
        salt: 'c2FsdHNhbHRzYWx0c2FsdA==',
        kdf: { memoryMiB: 8, passes: 1 },
        authKeyHash: `$argon2id$${userId}`,
        totpSecret: null,
      },
      NOW,
    );
  };
  const store = (userId: string, keys: IdentityPublicKeys, at: number) =>
    db.transaction(async (tx) => {
      const wrapped = await wrapIdentityKeys(await generateIdentityKeys(), new Uint8Array(32));
      return storeIdentity(
        tx,
        userId,
        { publicKeys: keys, wrappedPrivateKeys: wrapped, fingerprint: 'ab'.repeat(32) },
        at,
      );
    });

  it('appends only what changed, never back in time, and keeps it through a removal', async () => {
    await person('nurse.adams');
    const [a, b] = [await newKeys(), await newKeys()];
    expect(await store('nurse.adams', a, NOW)).toBe('appended');
    expect(await store('nurse.adams', a, NOW + 10)).toBe('unchanged');
    // Another instance whose clock is behind: the new key starts no earlier than the last.
    expect(await store('nurse.adams', b, NOW - 5000)).toBe('appended');
    expect(await removeIdentity(db, 'nurse.adams')).toBe(true);
    expect((await publishedSigningKeysOf(db, ['nurse.adams'])).get('nurse.adams')).toEqual([
      { key: a.signing, publishedAt: NOW },
      { key: b.signing, publishedAt: NOW },
    ]);
  });

  it('refuses every change but an insert', async () => {
    await person('nurse.baker');
    await store('nurse.baker', await newKeys(), NOW);
    for (const sql of [
      `UPDATE identity_key_history SET published_at = 0 WHERE user_id = 'nurse.baker'`,
      `DELETE FROM identity_key_history WHERE user_id = 'nurse.baker'`,
      'TRUNCATE identity_key_history',
    ])
      await expect(db.query(sql), sql).rejects.toThrow(/append-only/);
    expect((await publishedSigningKeysOf(db, ['nurse.baker'])).get('nurse.baker')).toHaveLength(1);
  });

  it('is full at MAX_SIGNING_KEYS: a new key is refused, the same one still stands', async () => {
    await person('nurse.cole');
    const last = await newKeys();
    await db.query(
      `INSERT INTO identity_key_history (user_id, signing_key, encryption_key, fingerprint, published_at)
       SELECT 'nurse.cole', 'k' || n, 'e' || n, 'f', $1::bigint + n FROM generate_series(1, $2::int - 1) AS n`,
      [NOW, MAX_SIGNING_KEYS],
    );
    expect(await store('nurse.cole', last, NOW + MAX_SIGNING_KEYS)).toBe('appended');
    expect(await store('nurse.cole', last, NOW + MAX_SIGNING_KEYS + 1)).toBe('unchanged');
    expect(await store('nurse.cole', await newKeys(), NOW + MAX_SIGNING_KEYS + 2)).toBe('full');
    expect((await publishedSigningKeysOf(db, ['nurse.cole'])).get('nurse.cole')).toHaveLength(MAX_SIGNING_KEYS);
  });
});
