/**
 * Only roles that take part in messaging receive messages (shared/access/permission-matrix.ts,
 * `receivesMessages`): the relay refuses an envelope addressed to a compliance officer or an IT
 * administrator with RECIPIENT_NOT_PERMITTED, naming them by id, and stores and delivers
 * nothing of it. On each backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const postgres = usePostgres();

describe.each(BACKENDS)('recipients by role on %s', (backend) => {
  let target: TestServer;
  let nurse: TestUser;
  let doctor: TestUser;
  let frontDesk: TestUser;
  let compliance: TestUser;
  let itAdmin: TestUser;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    // Every one of them has signed in and published keys, so only the role can stand in the way.
    [nurse, doctor, frontDesk, compliance, itAdmin] = (await readyUsers(target, [
      { userId: 'nurse.roles', displayName: 'Nurse Roles' },
      { userId: 'dr.roles', displayName: 'Doctor Roles', role: 'physician' },
      { userId: 'desk.roles', displayName: 'Desk Roles', role: 'front-desk' },
      { userId: 'co.roles', displayName: 'Compliance Roles', role: 'compliance-officer' },
      { userId: 'it.roles', displayName: 'Admin Roles', role: 'it-admin' },
    ])) as [TestUser, TestUser, TestUser, TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const feedOf = async (user: TestUser) => (await target.api.ok('feed', { after: 0, limit: 500 }, token(user))).events;

  it('refuses a compliance officer or an IT administrator as recipient, naming them, and keeps nothing', async () => {
    for (const refused of [compliance, itAdmin]) {
      const envelope = await sealMessage(target, { from: nurse, to: [refused], text: 'Bed 4 question' });
      expect(await target.api.refused('send', { envelope }, token(nurse))).toEqual({
        status: 403,
        body: { error: 'RECIPIENT_NOT_PERMITTED', subjects: [refused.userId] },
      });
    }
    const mixed = await sealMessage(target, {
      from: nurse,
      to: [doctor, compliance, itAdmin, frontDesk],
      text: 'Ward round at 10',
    });
    expect(await target.api.refused('send', { envelope: mixed }, token(nurse))).toEqual({
      status: 403,
      body: { error: 'RECIPIENT_NOT_PERMITTED', subjects: [compliance.userId, itAdmin.userId] },
    });
    for (const user of [nurse, doctor, frontDesk, compliance, itAdmin]) expect(await feedOf(user)).toEqual([]);
    // Refused, not taken: the id is still free for an envelope the relay accepts.
    expect(
      (
        await target.api.refused(
          'recall',
          { messageId: mixed.header.id, recalledAt: target.clock.now(), signature: mixed.signature },
          token(nurse),
        )
      ).body.error,
    ).toBe('NOT_FOUND');
  });

  it('refuses every one of 20 concurrent sends to a compliance officer, and still delivers to clinical roles', async () => {
    const envelopes = await Promise.all(
      Array.from({ length: 20 }, () => sealMessage(target, { from: doctor, to: [compliance], text: 'Audit this' })),
    );
    const answers = await Promise.all(
      envelopes.map((envelope) => target.api.refused('send', { envelope }, token(doctor))),
    );
    expect(answers.every((answer) => answer.status === 403 && answer.body.error === 'RECIPIENT_NOT_PERMITTED')).toBe(
      true,
    );
    expect(await feedOf(compliance)).toEqual([]);

    const clinical = await sealMessage(target, {
      from: doctor,
      to: [nurse, frontDesk],
      text: 'Patient in bay 2 is ready',
    });
    expect(await target.api.ok('send', { envelope: clinical }, token(doctor))).toMatchObject({ duplicate: false });
    for (const user of [nurse, frontDesk])
      expect((await feedOf(user)).map((event) => event.type === 'envelope' && event.envelope.header.id)).toEqual([
        clinical.header.id,
      ]);
  });
});
