/**
 * Message retention on a real server on each backend, as IT and an attacker would try it: only
 * an `it-admin` session runs it now; a run deletes the messages kept past the server's bound
 * (`messageRetentionDays`) and keeps the rest; it joins the server's chain naming the admin, with
 * the counts and the bound and nothing of a message; twenty requests at once delete each due
 * message once; a bound the server cannot use stops it from starting.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../../shared/protocol/api';
import { DAY_MS } from '../../../server/retention/message-retention';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  createUser,
  HOOK_TIMEOUT_MS,
  readyUsers,
  sealMessage,
  signIn,
  startTestServer,
  token,
  type MessageSpec,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const DAYS = 30;

describe.each(BACKENDS)('message retention through the admin API on %s', (backend) => {
  let target: TestServer;
  let admin: TestUser;
  let nurse: TestUser;
  let doctor: TestUser;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres(), messageRetentionDays: DAYS });
    admin = await createUser(target, { userId: 'it.schmidt', displayName: 'Jonas Schmidt', role: 'it-admin' });
    [nurse, doctor] = (await readyUsers(target, [
      { userId: 'nurse.adams', displayName: 'Grace Adams' },
      { userId: 'dr.okafor', displayName: 'Chidi Okafor', role: 'physician' },
    ])) as [TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await target.dispose();
  }, HOOK_TIMEOUT_MS);

  const send = async (spec: MessageSpec) => {
    const envelope = await sealMessage(target, spec);
    await target.api.ok('send', { envelope }, token(spec.from));
    return envelope.header.id;
  };
  const history = async (conversationId: string) =>
    (await target.api.ok('history', { conversationId, before: null, limit: 50 }, token(doctor))).envelopes.map(
      (stored) => stored.envelope.header.id,
    );
  /** Time passes: everyone signs in again, as a clinician would after a month away. */
  const later = async (ms: number) => {
    target.clock.advance(ms);
    for (const user of [admin, nurse, doctor]) await signIn(target, user);
  };
  const retentionRecords = async () => {
    await target.server.foldServerTrail();
    const { entries } = await target.api.ok('adminRecentActions', { before: null, limit: 100 }, token(admin));
    return entries.filter((entry) => entry.reason?.startsWith('MESSAGE_RETENTION') === true);
  };

  it('is refused without a session and to every role but IT', async () => {
    await signIn(target, admin);
    expect(await target.api.refused('adminRunMessageRetention', {})).toMatchObject({ status: 401 });
    for (const user of [nurse, doctor])
      expect(await target.api.refused('adminRunMessageRetention', {}, token(user))).toMatchObject({
        status: 403,
        body: { error: 'FORBIDDEN' },
      });
    // The request names nothing: no bound, no actor, no message can be slipped in.
    expect(
      await target.api.refused('adminRunMessageRetention', { days: 1, actor: 'dr.okafor' }, token(admin)),
    ).toMatchObject({ status: 400 });
  });

  it("deletes what was kept past the bound and keeps the rest, and records the run on the server's chain", async () => {
    const conversationId = randomUUID();
    const old = await send({ from: nurse, to: [doctor], text: 'Bed 12 potassium 6.1', conversationId });
    await later(DAYS * DAY_MS + 60_000);
    const recent = await send({ from: nurse, to: [doctor], text: 'Bed 12 repeat potassium 5.2', conversationId });
    expect(await history(conversationId)).toEqual([recent, old]);

    const ran = await target.api.ok('adminRunMessageRetention', {}, token(admin));

    expect(ran).toMatchObject({ days: DAYS, envelopes: 1, blobs: 0 });
    expect(ran.acceptedBefore).toBeGreaterThanOrEqual(target.clock.now() - DAYS * DAY_MS - 1000);
    expect(await history(conversationId)).toEqual([recent]);
    const [record, ...others] = await retentionRecords();
    expect(others).toEqual([]);
    expect(record).toMatchObject({
      reason: 'MESSAGE_RETENTION_RUN',
      outcome: 'success',
      object: {
        kind: 'message-retention',
        days: DAYS,
        removedBefore: ran.acceptedBefore,
        messages: 1,
        attachments: 0,
      },
    });
    const trail = JSON.stringify(record);
    for (const leak of [old, recent, conversationId, 'potassium']) expect(trail).not.toContain(leak);
  });

  it('deletes each due message once however many runs are asked for at once', async () => {
    // Whatever earlier tests left becomes due and goes first, so only these five are due below.
    await later(DAYS * DAY_MS + 60_000);
    await target.api.ok('adminRunMessageRetention', {}, token(admin));
    const conversationId = randomUUID();
    for (let i = 0; i < 5; i += 1)
      await send({ from: nurse, to: [doctor], text: `Round ${String(i)}`, conversationId });
    await later(DAYS * DAY_MS + 60_000);
    const before = (await retentionRecords()).length;

    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        target.api.raw('POST', routes.adminRunMessageRetention.path, {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token(admin)}` },
          body: '{}',
        }),
      ),
    );

    const ran = answers.filter((answer) => answer.status === 200);
    const busy = answers.filter((answer) => answer.status === 409);
    expect(ran.length + busy.length).toBe(20);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    for (const answer of busy) expect(JSON.parse(answer.text)).toEqual({ error: 'RETENTION_RUN_BUSY' });
    const deleted = ran.map((answer) => (JSON.parse(answer.text) as { envelopes: number }).envelopes);
    expect(deleted.reduce((sum, count) => sum + count, 0)).toBe(5);
    expect(await history(conversationId)).toEqual([]);
    // Every request is on the chain: each run with its count, each refusal as a refusal.
    const records = (await retentionRecords()).slice(0, 20);
    expect((await retentionRecords()).length - before).toBe(20);
    expect(records.filter((entry) => entry.reason === 'MESSAGE_RETENTION_BUSY')).toHaveLength(busy.length);
  });
});

describe('the retention bound as a server option', () => {
  it('refuses to start with a bound it cannot use', async () => {
    for (const messageRetentionDays of [0, 29, 36_501, 2.5])
      await expect(startTestServer('pglite', { messageRetentionDays })).rejects.toMatchObject({
        code: 'MESSAGE_RETENTION_DAYS_INVALID',
      });
  });
});
