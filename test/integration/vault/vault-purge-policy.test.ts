/**
 * Policy `vaultPurgeAfterDays` on a real workstation core: a clinician's vault not unlocked for
 * longer is shredded when the app starts (and hourly after), recorded in the device audit log as
 * the workstation's own doing (no actor) with the reason; a vault used within the limit, or any
 * vault when the policy is not set, stays.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { vaultIdOf, vaultPaths } from '../../../main/vault/vault-layout';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { tempDir } from '../../support/vault-fixtures';
import { createWorkstation, type Workstation } from '../../support/workstation';

const DAY = 86_400_000;
const nurse = account('nurse.varga', 'nurse', 'Zsofia Varga', 'Ward 6', 'Staff Nurse');
const doctor = account('dr.mensah', 'physician', 'Kofi Mensah', 'Renal', 'Registrar');

let server: TestServer;
const dataDir = tempDir('wardline-purge-ws-');

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  // Both sign in here today, and then leave their vaults alone.
  const ward = createWorkstation(server.endpoint, { dataDir });
  await signIn(ward, nurse);
  await ward.call('session.signOut', {});
  await signIn(ward, doctor);
  await ward.call('session.signOut', {});
  await ward.close();
}, 60_000);

afterAll(async () => {
  await server.server.close();
});

/** The workstation started again `days` later, with the policy given. */
function startedLater(days: number, policy: { vaultPurgeAfterDays: number | null }): Workstation {
  return createWorkstation(server.endpoint, { dataDir, now: () => Date.now() + days * DAY, policy });
}

const exists = (userId: string) => existsSync(vaultPaths(dataDir, vaultIdOf(userId)).dir);

describe('purging unused vaults by policy', () => {
  it('keeps every vault when the policy is not set, however long unused', async () => {
    const later = startedLater(400, { vaultPurgeAfterDays: null });
    await later.close();
    expect([exists(nurse.userId), exists(doctor.userId)]).toEqual([true, true]);
  });

  it('keeps vaults used within the limit', async () => {
    const later = startedLater(20, { vaultPurgeAfterDays: 30 });
    await later.close();
    expect([exists(nurse.userId), exists(doctor.userId)]).toEqual([true, true]);
  });

  it('shreds a vault unused past the limit at start, and records it as the workstation’s own doing', async () => {
    const later = startedLater(40, { vaultPurgeAfterDays: 30 });
    await vi.waitFor(() => expect(exists(nurse.userId)).toBe(false), { timeout: 10_000 });
    expect(exists(doctor.userId)).toBe(false);
    const log = await later.core.audit.log();
    const purges = (await log.pending(1000)).entries
      .map((entry) => entry.record)
      .filter((record) => record.action === 'vault.purged');
    expect(
      purges
        .map(({ actor, object, outcome, reason }) => ({ actor, object, outcome, reason }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(
      [nurse.userId, doctor.userId]
        .map((userId) => ({
          actor: { userId: null, role: null },
          object: { kind: 'vault', id: vaultIdOf(userId) },
          outcome: 'success',
          reason: 'VAULT_UNUSED',
        }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    await later.close();
  });
});
