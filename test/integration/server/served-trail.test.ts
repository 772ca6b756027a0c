/**
 * The server records what it serves on its own chain, not only what workstations report
 * (server/audit/served-events.ts): sessions issued and ended, envelopes accepted, history read,
 * audit searches and exports, including the refused search of someone without the role. Ids,
 * counts and codes only. A burst of sends shares tree heads instead of signing one each: the
 * send does not wait on the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordServed, servedEvent } from '../../../server/audit/served-events';
import { readTrail } from '../../../server/audit/trail-source';
import { openDatabase } from '../../../server/db/open-database';
import { usePostgres } from '../../support/postgres';
import type { StoredEntry } from '../../../shared/audit/audit-entry';
import {
  authKeyOf,
  createUser,
  HOOK_TIMEOUT_MS,
  loginProof,
  readyUsers,
  sealMessage,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const noFilter = {
  userId: null,
  patient: null,
  workstationId: null,
  conversationId: null,
  action: null,
  since: null,
  until: null,
};
const SERVED = [
  'session.issued',
  'session.ended',
  'message.accepted',
  'history.read',
  'search.performed',
  'export.created',
  'sign-in.failed',
  'mfa.failed',
];

let target: TestServer;
let nurse: TestUser;
let doctor: TestUser;
let officer: TestUser;

beforeAll(async () => {
  target = await startTestServer('pglite');
  const users = await readyUsers(target, [
    { userId: 'nurse.okafor', displayName: 'Ada Okafor' },
    { userId: 'dr.nguyen', displayName: 'Minh Nguyen', role: 'physician' },
  ]);
  nurse = users[0]!;
  doctor = users[1]!;
  officer = await createUser(target, { userId: 'compliance.lee', displayName: 'Jin Lee', role: 'compliance-officer' });
  await signIn(target, officer);
}, HOOK_TIMEOUT_MS);
afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

/** The server chain's records of what it served, oldest first. */
async function served(): Promise<StoredEntry[]> {
  await target.server.foldServerTrail();
  const all = await target.server.admin.auditRecords({ limit: 100_000 });
  return all.filter(
    (entry) => SERVED.includes(entry.record.action) && entry.record.workstationId !== nurse.device.deviceId,
  );
}
const brief = (entry: StoredEntry) => ({
  actor: entry.record.actor.userId,
  action: entry.record.action,
  object: entry.record.object,
  outcome: entry.record.outcome,
  reason: entry.record.reason,
});

describe("the server's own record of what it served", () => {
  it('records each session it issued: whose, on which workstation, until when', async () => {
    const issued = (await served()).filter((entry) => entry.record.action === 'session.issued').map(brief);
    expect(issued).toContainEqual({
      actor: 'nurse.okafor',
      action: 'session.issued',
      object: {
        kind: 'session',
        id: expect.any(String) as string,
        userId: 'nurse.okafor',
        workstationId: nurse.device.deviceId,
        until: expect.any(Number) as number,
      },
      outcome: 'success',
      reason: null,
    });
    expect(issued.map((entry) => entry.actor).sort()).toEqual(['compliance.lee', 'dr.nguyen', 'nurse.okafor']);
  });

  it('records each envelope it accepted, and the history it served, by ids alone', async () => {
    const conversationId = '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b';
    const envelope = await sealMessage(target, {
      from: nurse,
      to: [doctor],
      text: 'Potassium 6.1, repeat drawn',
      conversationId,
    });
    await target.api.ok('send', { envelope }, token(nurse));
    // A resend after a lost answer is the same acceptance, not a second one.
    expect((await target.api.ok('send', { envelope }, token(nurse))).duplicate).toBe(true);
    await target.api.ok('history', { conversationId, before: null, limit: 20 }, token(doctor));
    const records = (await served()).map(brief);
    expect(records.filter((entry) => entry.action === 'message.accepted')).toEqual([
      {
        actor: 'nurse.okafor',
        action: 'message.accepted',
        object: { kind: 'message', id: envelope.header.id, conversationId },
        outcome: 'success',
        reason: null,
      },
    ]);
    expect(records.filter((entry) => entry.action === 'history.read')).toEqual([
      {
        actor: 'dr.nguyen',
        action: 'history.read',
        object: { kind: 'conversation', id: conversationId },
        outcome: 'success',
        reason: null,
      },
    ]);
    expect(JSON.stringify(await target.server.admin.auditRecords({ limit: 100_000 }))).not.toContain('Potassium');
  });

  it('records audit searches and exports with their counts, and a refused search and export by someone without the role', async () => {
    const found = await target.api.ok(
      'auditSearch',
      { filter: noFilter, afterIndex: -1, limit: 5, knownTreeSize: 0 },
      token(officer),
    );
    expect(
      (
        await target.api.refused(
          'auditSearch',
          { filter: noFilter, afterIndex: -1, limit: 5, knownTreeSize: 0 },
          token(nurse),
        )
      ).body.error,
    ).toBe('FORBIDDEN');
    const treeSize = found.head?.treeSize ?? 0;
    const exported = await target.api.ok(
      'auditExport',
      { filter: { ...noFilter, userId: 'nurse.okafor' }, treeSize },
      token(officer),
    );
    expect((await target.api.refused('auditExport', { filter: noFilter, treeSize }, token(nurse))).body.error).toBe(
      'FORBIDDEN',
    );
    const records = (await served()).map(brief);
    expect(records.filter((entry) => entry.action === 'search.performed')).toEqual([
      {
        actor: 'compliance.lee',
        action: 'search.performed',
        object: { kind: 'search', resultCount: found.entries.length },
        outcome: 'success',
        reason: null,
      },
      {
        actor: 'nurse.okafor',
        action: 'search.performed',
        object: { kind: 'none' },
        outcome: 'failure',
        reason: 'FORBIDDEN',
      },
    ]);
    expect(records.filter((entry) => entry.action === 'export.created')).toEqual([
      {
        actor: 'compliance.lee',
        action: 'export.created',
        object: { kind: 'search', resultCount: exported.records },
        outcome: 'success',
        reason: null,
      },
      {
        actor: 'nurse.okafor',
        action: 'export.created',
        object: { kind: 'none' },
        outcome: 'failure',
        reason: 'FORBIDDEN',
      },
    ]);
  });

  it('records each wrong password for a real account, naming it as the object; an id that is no account records nothing', async () => {
    for (const userId of ['nurse.okafor', 'no.such.person']) {
      const authKey = await authKeyOf(target.api, { userId, password: 'not the password' });
      const refused = await target.api.refused('login', {
        userId,
        authKey,
        device: { publicKey: nurse.device.publicKey, name: nurse.device.name },
        proof: await loginProof(nurse.device, userId, target.clock.now()),
      });
      expect(refused.body.error).toBe('INVALID_CREDENTIALS');
    }
    const refusals = (await served()).filter((entry) => entry.record.action === 'sign-in.failed').map(brief);
    expect(refusals).toEqual([
      {
        actor: null,
        action: 'sign-in.failed',
        object: { kind: 'account', id: 'nurse.okafor' },
        outcome: 'failure',
        reason: 'INVALID_CREDENTIALS',
      },
    ]);
  });

  it('records the end of a session: by its user when signed out', async () => {
    await target.api.ok('logout', {}, token(doctor));
    const ended = (await served()).filter((entry) => entry.record.action === 'session.ended').map(brief);
    expect(ended).toEqual([
      {
        actor: 'dr.nguyen',
        action: 'session.ended',
        object: {
          kind: 'session',
          id: doctor.session?.sessionId,
          userId: 'dr.nguyen',
          workstationId: doctor.device.deviceId,
          until: expect.any(Number) as number,
        },
        outcome: 'success',
        reason: 'SIGNED_OUT',
      },
    ]);
  });

  it('answers twenty sends at once without signing a tree head for each', async () => {
    await target.server.foldServerTrail();
    const envelopes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sealMessage(target, { from: nurse, to: [doctor], text: `burst ${String(i)}` }),
      ),
    );
    const ids = new Set(envelopes.map((envelope) => envelope.header.id));
    await Promise.all(envelopes.map((envelope) => target.api.ok('send', { envelope }, token(nurse))));
    const accepted = (await served()).filter(
      (entry) => entry.record.object.kind === 'message' && ids.has(entry.record.object.id),
    );
    expect(accepted).toHaveLength(20);
    // Folded together: the server chain's signed batches that hold them are far fewer than the sends.
    const { trail } = await readTrail({ dataDir: target.dataDir });
    const chain = accepted[0]!.record.workstationId;
    const holding = trail.batches.filter(
      (batch) =>
        batch.workstationId === chain &&
        accepted.some((entry) => entry.record.seq >= batch.firstSeq && entry.record.seq <= batch.lastSeq),
    );
    expect(holding.length).toBeLessThanOrEqual(5);
  });
});

describe('the fold on PostgreSQL, where transactions commit out of id order', () => {
  const postgres = usePostgres();

  it('never leaves behind a record whose transaction commits after a later-numbered one was folded', async () => {
    const pg = await startTestServer('postgres', { postgres: postgres() });
    const db = await openDatabase({ dataDir: pg.dataDir, databaseUrl: pg.databaseUrl });
    try {
      const user = await createUser(pg, { userId: 'nurse.adams', displayName: 'Grace Adams' });
      await pg.server.foldServerTrail();
      const early = '1a2b3c4d-0000-4000-8000-00000000000a';
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let drawn!: () => void;
      const idDrawn = new Promise<void>((resolve) => (drawn = resolve));
      // A transaction draws its outbox id first and commits last.
      const slow = db.transaction(async (tx) => {
        await recordServed(
          tx,
          servedEvent({
            at: pg.clock.now(),
            actor: null,
            action: 'history.read',
            object: { kind: 'conversation', id: early },
          }),
        );
        drawn();
        await held;
      });
      await idDrawn;
      // A later row commits meanwhile (a sign-in's session), and a fold runs.
      await signIn(pg, user);
      await pg.server.foldServerTrail().catch(() => undefined);
      release();
      await slow;
      await pg.server.foldServerTrail();
      const records = await pg.server.admin.auditRecords({ limit: 100_000 });
      expect(
        records.some((entry) => entry.record.object.kind === 'conversation' && entry.record.object.id === early),
      ).toBe(true);
      expect(
        records.some(
          (entry) => entry.record.action === 'session.issued' && entry.record.actor.userId === 'nurse.adams',
        ),
      ).toBe(true);
    } finally {
      await db.close();
      await pg.dispose();
    }
  }, 60_000);
});
