/**
 * Escalation on a real server, on each backend (server/relay/escalation-release.ts): a STAT
 * message's signed plan is released step by step on the server's clock while nobody
 * acknowledges, only to the people the sender sealed to; an acknowledgement ends it; a plan that
 * names someone not sealed to is refused; and on PostgreSQL two instances releasing at once
 * deliver each step once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signAcknowledgement } from '../../../main/crypto/acknowledgement-signature';
import { openDatabase } from '../../../server/db/open-database';
import { MAX_ATTEMPTS, releaseDueEscalations, RETRY_MS } from '../../../server/relay/escalation-release';
import { routes } from '../../../shared/protocol/api';
import type { FeedEvent } from '../../../shared/protocol/feed';
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

const postgres = usePostgres();
const MINUTE = 60_000;

describe.each(BACKENDS)('escalation on %s', (backend) => {
  let target: TestServer;
  let nurse: TestUser;
  let oncall: TestUser;
  let backup: TestUser;
  let member: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);
  // Fresh people (and sessions) for each test: the server's clock moves on by minutes in each,
  // and a session's token lives ten.
  beforeEach(async () => {
    const tag = randomUUID().slice(0, 6);
    [nurse, oncall, backup, member, outsider] = (await readyUsers(target, [
      { userId: `nurse${tag}`, displayName: 'Grace Adams' },
      { userId: `oncall${tag}`, displayName: 'Chidi Okafor' },
      { userId: `backup${tag}`, displayName: 'Minh Nguyen' },
      { userId: `member${tag}`, displayName: 'Sam Reyes' },
      { userId: `outsider${tag}`, displayName: 'Ola Berg' },
    ])) as [TestUser, TestUser, TestUser, TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);

  const plan = () => ({
    repeatEveryMs: MINUTE,
    steps: [
      { afterMs: 2 * MINUTE, to: [backup], reason: 'backup' as const },
      { afterMs: 3 * MINUTE, to: [member], reason: 'role' as const },
    ],
  });

  const sendStat = async () => {
    const envelope = await sealMessage(target, {
      from: nurse,
      to: [oncall],
      text: 'Bed 2 VF arrest',
      priority: 'stat',
      escalation: plan(),
    });
    await target.api.ok('send', { envelope }, token(nurse));
    return envelope.header.id;
  };

  const eventsFor = async (user: TestUser, messageId: string) =>
    (await target.api.ok('feed', { after: 0, limit: 500 }, token(user))).events
      .filter((event: FeedEvent) =>
        event.type === 'envelope' ? event.envelope.header.id === messageId : event.messageId === messageId,
      )
      .map((event) => (event.type === 'escalation' ? `escalation:${String(event.step)}` : event.type));

  /** Moves the server's clock on and releases what fell due. */
  const after = async (ms: number) => {
    target.clock.advance(ms);
    return target.server.releaseDueEscalations();
  };

  async function acknowledge(by: TestUser, messageId: string) {
    const acknowledgedAt = target.clock.now();
    const signature = await signAcknowledgement(
      { messageId, userId: by.userId, acknowledgedAt, reply: 'on-my-way' },
      by.identity!.signing.privateKey,
    );
    return target.api.raw('POST', routes.acknowledge.path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(by)}` },
      body: JSON.stringify({ messageId, acknowledgedAt, reply: 'on-my-way', signature }),
    });
  }

  it('re-alerts, then releases each step only to the people its signed plan names, until acknowledged', async () => {
    const messageId = await sendStat();
    expect(await eventsFor(oncall, messageId)).toEqual(['envelope']);
    // Sealed to, but not yet reached: nothing to fetch, nothing to acknowledge.
    expect(await eventsFor(backup, messageId)).toEqual([]);
    expect((await acknowledge(backup, messageId)).status).toBe(404);

    await after(MINUTE);
    expect(await eventsFor(oncall, messageId)).toEqual(['envelope', 'escalation:null']);
    expect(await eventsFor(nurse, messageId)).toEqual(['envelope', 'escalation:null']);
    expect(await eventsFor(backup, messageId)).toEqual([]);

    await after(MINUTE);
    expect(await eventsFor(backup, messageId)).toEqual(['envelope', 'escalation:0']);
    expect((await eventsFor(nurse, messageId)).slice(-1)).toEqual(['escalation:0']);
    expect(await eventsFor(member, messageId)).toEqual([]);

    // The backup takes it: nothing further, for anyone.
    expect((await acknowledge(backup, messageId)).status).toBe(200);
    const nurseBefore = await eventsFor(nurse, messageId);
    await after(4 * MINUTE);
    expect(await eventsFor(member, messageId)).toEqual([]);
    expect(await eventsFor(nurse, messageId)).toEqual(nurseBefore);
    expect(await eventsFor(outsider, messageId)).toEqual([]);
  });

  it('stops at a recall', async () => {
    const messageId = await sendStat();
    const { signRecall } = await import('../../../shared/node/crypto/recall-signature');
    const recalledAt = target.clock.now();
    const signature = await signRecall(
      { messageId, senderId: nurse.userId, recalledAt },
      nurse.identity!.signing.privateKey,
    );
    await target.api.ok('recall', { messageId, recalledAt, signature }, token(nurse));
    await after(5 * MINUTE);
    expect(await eventsFor(backup, messageId)).toEqual([]);
    expect(await eventsFor(member, messageId)).toEqual([]);
  });

  it('refuses a plan naming someone the message was not sealed to, or on a message that is not STAT', async () => {
    const envelope = await sealMessage(target, {
      from: nurse,
      to: [oncall],
      text: 'Bed 2',
      priority: 'stat',
      escalation: plan(),
    });
    // The outsider swapped into the signed plan (re-signed, as a hostile client could): no sealed key for them.
    const forged = structuredClone(envelope);
    forged.header.escalation!.steps[0]!.to = [outsider.userId];
    const refused = await target.api.raw('POST', routes.send.path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(nurse)}` },
      body: JSON.stringify({ envelope: forged }),
    });
    expect(refused.status).toBe(400);
    const urgent = await sealMessage(target, {
      from: nurse,
      to: [oncall],
      text: 'Bed 2',
      priority: 'urgent',
      escalation: plan(),
    }).catch((error: unknown) => error);
    // The sealing code itself refuses to build it; the schema refuses it on the wire.
    expect(urgent).toBeInstanceOf(Error);
  });

  it.runIf(backend === 'postgres')(
    'releases each alert once when two instances release at the same moment',
    async () => {
      const messageId = await sendStat();
      const second = await openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
      try {
        target.clock.advance(4 * MINUTE);
        await Promise.all([
          ...Array.from({ length: 5 }, () => target.server.releaseDueEscalations()),
          ...Array.from({ length: 5 }, () =>
            releaseDueEscalations({ db: second, clock: target.clock.now, failures: new Map() }),
          ),
        ]);
      } finally {
        await second.close();
      }
      // Everything due by then, each once and in order: the backup at 2 min, the role at 3, a re-alert at 4.
      expect(await eventsFor(backup, messageId)).toEqual([
        'envelope',
        'escalation:0',
        'escalation:1',
        'escalation:null',
      ]);
      expect(await eventsFor(member, messageId)).toEqual(['envelope', 'escalation:1', 'escalation:null']);
    },
  );

  it.runIf(backend === 'postgres')(
    'releases the alerts due after one that keeps failing, and gives that one up in the end',
    async () => {
      const poisoned = await sendStat();
      const healthy = await sendStat();
      const second = await openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
      const failures: string[] = [];
      const attempts = new Map<string, number>();
      const release = () =>
        releaseDueEscalations({
          db: second,
          clock: target.clock.now,
          failures: attempts,
          onFailure: (event) => failures.push(event),
        });
      try {
        // A stored envelope this server cannot read: its release throws every time.
        await second.query(`UPDATE envelopes SET envelope_json = '{"unreadable":true}' WHERE message_id = $1`, [
          poisoned,
        ]);
        target.clock.advance(2 * MINUTE);
        await release();
        // The healthy message's alerts, due with and after the failing ones, went out.
        expect(await eventsFor(backup, healthy)).toEqual(['envelope', 'escalation:0']);
        expect(await eventsFor(backup, poisoned)).toEqual([]);
        expect(failures.length).toBeGreaterThan(0);
        const pending = async () =>
          (
            await second.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM escalation_alerts WHERE message_id = $1 AND done_at IS NULL',
              [poisoned],
            )
          )[0]?.n;
        expect(await pending()).toBeGreaterThan(0);
        // Retried later, then given up: nothing of it stays pending for ever.
        for (let round = 0; round < 2 * MAX_ATTEMPTS && (await pending()) !== 0; round += 1) {
          target.clock.advance(RETRY_MS * MAX_ATTEMPTS);
          await release();
        }
        expect(await pending()).toBe(0);
        expect(failures).toContain('escalation-alert-abandoned');
      } finally {
        await second.close();
      }
    },
  );
});
