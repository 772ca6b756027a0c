/**
 * A workstation's device key cannot speak for whoever it likes (shared/audit/actor-attestation.ts).
 * The attack as the review found it: a scripted client signs in as nurse.okafor (registering its
 * device key), then posts a device-signed batch whose records claim dr.nguyen opened a
 * conversation and read a message about pat-VIPPATIENT1 thirty days ago. The server keeps the
 * records (refusing would stall the workstation's honest chain) but raises `unattested-actor`
 * alerts naming the workstation and each record, and `audit:verify` names each one and exits 1.
 * Records of a colleague who really signed in at that shared workstation are attested. On PGlite
 * and PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTESTATION_TOLERANCE_MS } from '../../../shared/audit/actor-attestation';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { writeExport } from '../../../server/audit/export-formats';
import { verifyTrail } from '../../../shared/node/audit/trail-verifier';
import { readTrail } from '../../../server/audit/trail-source';
import { UNATTESTED_PROBLEM } from '../../../shared/node/audit/verify-attestation';
import { endSession } from '../../../server/accounts/session-store';
import { unattestedEntries } from '../../../server/audit/actor-sessions';
import { serverChainId } from '../../../server/audit/server-trail';
import { openDatabase } from '../../../server/db/open-database';
import { runVerify } from '../../../server/audit/verify-cli';
import { nodeVerifyCrypto } from '../../../shared/node/audit/verify-crypto';
import { chainRecords, chainStart, pointAfter, signedBatch, type ChainPoint } from '../../support/audit-batches';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  createUser,
  HOOK_TIMEOUT_MS,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const DAY = 24 * 3600 * 1000;

describe.each(BACKENDS)('actor attestation on %s', (backend) => {
  let target: TestServer;
  let nurse: TestUser;
  let doctor: TestUser;
  let point: ChainPoint = chainStart();
  const folder = mkdtempSync(path.join(os.tmpdir(), 'wardline-attestation-'));

  beforeAll(async () => {
    target = await startTestServer(backend, backend === 'postgres' ? { postgres: postgres() } : {});
    nurse = await createUser(target, { userId: 'nurse.okafor', displayName: 'Ada Okafor' });
    doctor = await createUser(target, { userId: 'dr.nguyen', displayName: 'Minh Nguyen', role: 'physician' });
    await signIn(target, nurse);
    // The doctor is signed in, but at his own workstation.
    await signIn(target, doctor);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await target.dispose();
    rmSync(folder, { recursive: true, force: true });
  }, HOOK_TIMEOUT_MS);

  const workstation = () => nurse.device.deviceId;
  const unattestedAlerts = async () =>
    (await target.server.admin.auditAlerts())
      .filter((alert) => alert.kind === 'unattested-actor')
      .map(({ seq, workstationId }) => ({ seq, workstationId }));
  const post = async (specs: Parameters<typeof chainRecords>[2]) => {
    const entries = await chainRecords(workstation(), point, specs);
    const ack = await target.api.ok('auditBatch', await signedBatch(nurse.device, entries));
    point = pointAfter(entries);
    return ack;
  };

  it("keeps a forged batch in another person's name, and raises an alert for each forged record", async () => {
    const now = target.clock.now();
    const ack = await post([
      { actor: { userId: 'nurse.okafor', role: 'nurse' }, action: 'session.unlocked', at: now },
      {
        actor: { userId: 'dr.nguyen', role: 'physician' },
        action: 'conversation.opened',
        patient: 'pat-VIPPATIENT1',
        at: now - 30 * DAY,
      },
      {
        actor: { userId: 'dr.nguyen', role: 'physician' },
        action: 'message.read',
        patient: 'pat-VIPPATIENT1',
        at: now - 30 * DAY,
      },
      // Signed in elsewhere right now does not make him present here.
      {
        actor: { userId: 'dr.nguyen', role: 'physician' },
        action: 'message.read',
        patient: 'pat-VIPPATIENT1',
        at: now,
      },
      // The nurse herself, before her session began (past the clock tolerance).
      {
        actor: { userId: 'nurse.okafor', role: 'nurse' },
        action: 'conversation.opened',
        at: now - ATTESTATION_TOLERANCE_MS - 60_000,
      },
      // The nurse, signed in here, in a role she does not have.
      { actor: { userId: 'nurse.okafor', role: 'compliance-officer' }, action: 'export.created', at: now },
    ]);
    expect(ack.ackedSeq).toBe(6);
    expect(await unattestedAlerts()).toEqual([2, 3, 4, 5, 6].map((seq) => ({ seq, workstationId: workstation() })));
  });

  it('attests a colleague who signed in at the same shared workstation, while signed in, within the tolerance', async () => {
    // Later (past the tolerance, so the earlier forgery stays outside it), the doctor signs in at
    // the nurse's workstation (the same device key).
    target.clock.advance(2 * ATTESTATION_TOLERANCE_MS);
    doctor.device = nurse.device;
    await signIn(target, doctor);
    // His session is on the server's chain; his sign-out below will not be for a moment (the fold
    // waits a quarter second), and the batch after it must not find the session open meanwhile.
    await target.server.foldServerTrail();
    const now = target.clock.now();
    await post([
      { actor: { userId: 'dr.nguyen', role: 'physician' }, action: 'conversation.opened', at: now },
      {
        actor: { userId: 'dr.nguyen', role: 'physician' },
        action: 'message.read',
        at: now + ATTESTATION_TOLERANCE_MS - 1000,
      },
      // Nobody named: the workstation's own record needs no session.
      { actor: { userId: null, role: null }, action: 'policy.loaded', reason: 'FILE', at: now - 90 * DAY },
    ]);
    expect((await unattestedAlerts()).map((alert) => alert.seq)).toEqual([2, 3, 4, 5, 6]);
    // After he signs out here, a record in his name well after that is not his.
    await target.api.ok('logout', {}, token(doctor));
    await post([
      {
        actor: { userId: 'dr.nguyen', role: 'physician' },
        action: 'message.read',
        at: target.clock.now() + ATTESTATION_TOLERANCE_MS + 60_000,
      },
    ]);
    expect((await unattestedAlerts()).map((alert) => alert.seq)).toEqual([2, 3, 4, 5, 6, 10]);
  });

  it('names every unattested record in a full export, and audit:verify exits 1', async () => {
    await target.server.foldServerTrail();
    const { trail } = await readTrail({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
    const report = await verifyTrail(trail, nodeVerifyCrypto(await loadSodium()));
    const unattested = report.breaks.filter((b) => b.kind === 'record' && b.problem === UNATTESTED_PROBLEM);
    expect(
      unattested.map((b) => (b.kind === 'record' ? { workstationId: b.workstationId, seq: b.seq } : null)),
    ).toEqual([2, 3, 4, 5, 6, 10].map((seq) => ({ workstationId: workstation(), seq })));
    // Nothing else is wrong with the trail: only the forged records break it.
    expect(report.breaks).toHaveLength(unattested.length);
    expect(report.attestedRecords).toBeGreaterThanOrEqual(9);

    const file = path.join(folder, `${backend}.fhir.json`);
    writeFileSync(file, writeExport(trail, 'fhir', { at: target.clock.now(), id: 'attestation-test' }));
    const verified = await runVerify([file, '--audit-key', trail.auditKey ?? '']);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`record workstation=${workstation()} seq=2 `);
    expect(verified.stdout).toContain(`seq=10 tree-index=`);
    expect(verified.stdout.match(/unattested/g)).toHaveLength(6);
  });

  it("refuses any workstation's batch under the server's own chain id", async () => {
    await target.server.foldServerTrail();
    const { trail } = await readTrail({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
    const chainId = trail.batches.find((batch) => batch.devicePublicKey === trail.auditKey)?.workstationId;
    expect(chainId).toBeDefined();
    const forged = await chainRecords(chainId as string, chainStart(), [
      { actor: { userId: null, role: null }, action: 'admin.action', reason: 'AUDIT_PURGED' },
    ]);
    const batch = { ...(await signedBatch(nurse.device, forged)), deviceId: chainId as string };
    expect(await target.api.refused('auditBatch', batch)).toMatchObject({ body: { error: 'AUDIT_DEVICE_UNKNOWN' } });
  });
});

describe('a sign-out the server has not yet folded into its chain', () => {
  it(
    'still ends the session for intake: a record after it is unattested, one before it is attested',
    async () => {
      const target = await startTestServer('pglite');
      try {
        const doctor = await createUser(target, { userId: 'dr.nguyen', displayName: 'Minh Nguyen', role: 'physician' });
        const { sessionId } = await signIn(target, doctor);
        await target.server.foldServerTrail();
        await target.close();
        // The sign-out, with no server left to fold it: the table has it, the chain does not.
        const db = await openDatabase({ dataDir: target.dataDir });
        try {
          const signedIn = target.clock.now();
          target.clock.advance(60_000);
          expect(await endSession(db, sessionId, 'signed-out', target.clock.now())).toBe(true);
          const entries = await chainRecords(doctor.device.deviceId, chainStart(), [
            { actor: { userId: 'dr.nguyen', role: 'physician' }, action: 'message.read', at: signedIn + 30_000 },
            {
              actor: { userId: 'dr.nguyen', role: 'physician' },
              action: 'message.read',
              at: target.clock.now() + ATTESTATION_TOLERANCE_MS + 60_000,
            },
          ]);
          const unattested = await unattestedEntries(db, await serverChainId(db), doctor.device.deviceId, entries);
          expect(unattested.map((entry) => entry.record.seq)).toEqual([2]);
        } finally {
          await db.close();
        }
      } finally {
        await target.dispose();
      }
    },
    HOOK_TIMEOUT_MS,
  );
});
