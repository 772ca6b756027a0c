/**
 * `recordMatterExport` with a custodian whose keys changed (server/holds/matter-export-record.ts),
 * on each backend: the server rebuilds each person's signing-key history as it stood at the
 * export's time, so it records the honest package of a nurse who signed under two keys, and
 * then lost both to a password reset, and refuses any other history: a key added, a period moved
 * by a millisecond, the old key left out.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeSha256 } from '../../../shared/node/ediscovery/package-verify';
import { routes } from '../../../shared/protocol/api';
import {
  buildPackageManifest,
  matterOfHolds,
  type PackageInput,
  type PackagePerson,
} from '../../../shared/protocol/ediscovery-package';
import type { Envelope } from '../../../shared/protocol/envelope';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  HOOK_TIMEOUT_MS,
  publishIdentity,
  readyUsers,
  sealMessage,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const MINUTE = 60_000;
const noFilter = {
  userId: null,
  patient: null,
  workstationId: null,
  conversationId: null,
  action: null,
  since: null,
  until: null,
};

describe.each(BACKENDS)("a matter's export across a key change on %s", (backend) => {
  let target: TestServer;
  let nurse: TestUser;
  let doctor: TestUser;
  let officer: TestUser;
  let matter: string;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);
  beforeEach(async () => {
    const tag = randomUUID().slice(0, 6);
    matter = `Adams v. General ${tag}`;
    [nurse, doctor, officer] = (await readyUsers(target, [
      { userId: `nurse${tag}`, displayName: 'Grace Adams' },
      { userId: `doctor${tag}`, displayName: 'Chidi Okafor', role: 'physician' },
      { userId: `officer${tag}`, displayName: 'Ines Duarte', role: 'compliance-officer' },
    ])) as [TestUser, TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);

  const send = async (from: TestUser, to: TestUser, text: string) => {
    const envelope = await sealMessage(target, { from, to: [to], text });
    await target.api.ok('send', { envelope }, token(from));
  };

  /** The package the officer's workstation would build from what the server serves, `edit`ed first. */
  const exportOf = async (editNurse: (person: PackagePerson) => PackagePerson = (person) => person) => {
    const holds = (await target.api.ok('messageHolds', {}, token(officer))).holds;
    const page = await target.api.ok('matterMessages', { matter, after: null }, token(officer));
    const search = await target.api.ok(
      'auditSearch',
      { filter: noFilter, afterIndex: -1, limit: 1, knownTreeSize: 0 },
      token(officer),
    );
    const input: PackageInput = {
      matter: matterOfHolds(matter, holds)!,
      exportedAt: page.at,
      exportedBy: officer.userId,
      auditKey: search.auditKey!,
      archiveFingerprint: 'ab'.repeat(32),
      directory: page.people.map((person) => (person.userId === nurse.userId ? editNurse(person) : person)),
      messages: page.messages.map((message) => ({
        ...message,
        envelope: JSON.parse(message.envelopeJson) as Envelope,
        attachments: [],
      })),
    };
    const built = buildPackageManifest(input, nodeSha256);
    if (!built.ok) throw new Error(built.error.code);
    return {
      body: { matter, digest: built.value.digest, exportedAt: page.at, archiveFingerprint: input.archiveFingerprint },
      nurse: built.value.directory.find((person) => person.userId === nurse.userId)!,
      messages: built.value.messages.length,
    };
  };
  const record = (body: object) =>
    target.api.raw('POST', routes.recordMatterExport.path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(officer)}` },
      body: JSON.stringify(body),
    });

  it('records the honest history of a custodian whose keys changed and were removed, and no other', async () => {
    await send(nurse, doctor, 'Bed 12 potassium 6.1');
    target.clock.advance(MINUTE);
    await publishIdentity(target, nurse);
    await send(nurse, doctor, 'Repeat K+ in two hours');
    await target.api.ok(
      'placeMessageHold',
      { matter, reasonCode: 'litigation', custodianId: nurse.userId },
      token(officer),
    );
    // IT resets her password: the directory no longer has either key, the history has both.
    await target.server.admin.resetPassword(nurse.userId, 'it.schmidt');

    const honest = await exportOf();
    expect(honest.messages).toBe(2);
    const [first, second] = honest.nurse.signingKeys;
    expect(honest.nurse.signingKeys).toHaveLength(2);
    expect(first?.until).toBe(second?.from);
    expect(second?.until).toBeNull();

    const forgedKey = Buffer.alloc(32, 7).toString('base64');
    const forgeries = {
      'a key added before the first': await exportOf((person) => ({
        ...person,
        signingKeys: [{ key: forgedKey, from: 0, until: first!.from }, ...person.signingKeys],
      })),
      'a key added after the last': await exportOf((person) => ({
        ...person,
        signingKeys: [
          ...person.signingKeys.slice(0, 1),
          { ...second!, until: second!.from + 1 },
          { key: forgedKey, from: second!.from + 1, until: null },
        ],
      })),
      'the change moved by a millisecond': await exportOf((person) => ({
        ...person,
        signingKeys: [
          { ...first!, until: first!.until! + 1 },
          { ...second!, from: second!.from + 1 },
        ],
      })),
      'only the key she had last': await exportOf((person) => ({ ...person, signingKeys: [second!] })),
    };
    for (const [what, forged] of Object.entries(forgeries)) {
      expect(forged.body.digest, what).not.toBe(honest.body.digest);
      const answer = await record(forged.body);
      expect({ status: answer.status, body: answer.text }, what).toEqual({ status: 409, body: '{"error":"CONFLICT"}' });
    }
    expect((await record(honest.body)).status).toBe(200);
  });

  it('leaves out a key published after the export began, as the workstation does', async () => {
    await send(nurse, doctor, 'Theatre list moved');
    await target.api.ok(
      'placeMessageHold',
      { matter, reasonCode: 'subpoena', custodianId: nurse.userId },
      token(officer),
    );
    const before = await exportOf();
    target.clock.advance(MINUTE);
    // She signs in elsewhere with new keys while the officer is still reading the pages.
    await publishIdentity(target, nurse);
    expect((await record(before.body)).status).toBe(200);
  });
});
