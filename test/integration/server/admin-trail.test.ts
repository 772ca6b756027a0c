/**
 * Every administrative action reaches the server's own tamper-evident chain, with who did what to
 * which object and never a name: accounts created, role addresses saved and their members added
 * or removed, legal holds placed and released, audit purges (refused ones too), and SIEM
 * forwarding switched on, pointed elsewhere or off between starts. Each record names its object
 * in full (which hold on whose records, which role address and member, how many records purged
 * from before when, which SIEM destination), so the signed chain alone says what was done.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEntries, GENESIS_HASH, hex } from '../../../shared/audit/audit-chain';
import { blake2b256 } from '../../../shared/audit/blake2b';
import type { StoredEntry } from '../../../shared/audit/audit-entry';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { AdminInputError } from '../../../server/admin/admin-events';
import { AccountAdminError } from '../../../server/accounts/account-admin';
import { RetentionTooShortError } from '../../../server/audit/audit-retention';
import { createUser, HOOK_TIMEOUT_MS, startTestServer, type TestServer } from '../../support/server-fixtures';

let target: TestServer;
let dataDir: string;

beforeAll(async () => {
  target = await startTestServer('pglite');
  dataDir = target.dataDir;
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  // A restarted server was given the data dir, so disposing of it leaves the folder: remove it here.
  await target.dispose();
  rmSync(dataDir, { recursive: true, force: true });
}, HOOK_TIMEOUT_MS);

interface Seen {
  readonly actor: string | null;
  readonly role: string | null;
  readonly object: StoredEntry['record']['object'];
  readonly outcome: string;
  readonly reason: string | null;
}

const seen = (entry: StoredEntry): Seen => ({
  actor: entry.record.actor.userId,
  role: entry.record.actor.role,
  object: entry.record.object,
  outcome: entry.record.outcome,
  reason: entry.record.reason,
});

/** Every record of the server's chain (no workstation records `admin.action`). */
async function adminRecords(): Promise<StoredEntry[]> {
  return target.server.admin.auditRecords({ action: 'admin.action', limit: 100_000 });
}

async function newRecords(work: () => Promise<unknown>): Promise<Seen[]> {
  const before = (await adminRecords()).length;
  await work();
  return (await adminRecords()).slice(before).map(seen);
}

const operator = { actor: 'server-operator', role: null, outcome: 'success' } as const;

describe("admin actions in the server's audit chain", () => {
  it('records an account created, by whom, and only the account id', async () => {
    const records = await newRecords(() => createUser(target, { userId: 'nurse.quist', displayName: 'Abena Quist' }));
    expect(records).toEqual([
      { ...operator, object: { kind: 'account', id: 'nurse.quist' }, reason: 'ACCOUNT_CREATED' },
    ]);
    // A refused creation changed nothing, so it records nothing.
    const again = await newRecords(() =>
      expect(
        target.server.admin.createAccount({
          userId: 'nurse.quist',
          password: 'x',
          role: 'nurse',
          displayName: 'Abena Quist',
          department: 'Ward 2',
          title: 'Nurse',
        }),
      ).rejects.toBeInstanceOf(AccountAdminError),
    );
    expect(again).toEqual([]);
    expect(JSON.stringify(await adminRecords())).not.toContain('Quist');
  });

  it('records a role address saved, and each member added or removed', async () => {
    await createUser(target, { userId: 'dr.appiah', displayName: 'Kwame Appiah', role: 'physician' });
    await createUser(target, { userId: 'dr.boateng', displayName: 'Efua Boateng', role: 'physician' });
    await createUser(target, { userId: 'dr.owusu', displayName: 'Yaw Owusu', role: 'physician' });
    const address = {
      addressId: 'role:oncall-renal',
      displayName: 'On-call renal',
      department: 'Renal',
      description: 'Renal registrar on call',
    };
    const first = await newRecords(() =>
      target.server.admin.createRoleAddress({ ...address, members: ['dr.appiah', 'dr.boateng'] }),
    );
    const role = (userId: string | null) => ({ kind: 'role-address', id: 'role:oncall-renal', userId }) as const;
    expect(first).toEqual([
      { ...operator, object: role(null), reason: 'ROLE_ADDRESS_SAVED' },
      { ...operator, object: role('dr.appiah'), reason: 'ROLE_MEMBER_ADDED' },
      { ...operator, object: role('dr.boateng'), reason: 'ROLE_MEMBER_ADDED' },
    ]);
    const second = await newRecords(() =>
      target.server.admin.createRoleAddress({ ...address, members: ['dr.boateng', 'dr.owusu'] }),
    );
    expect(second).toEqual([
      { ...operator, object: role(null), reason: 'ROLE_ADDRESS_SAVED' },
      { ...operator, object: role('dr.owusu'), reason: 'ROLE_MEMBER_ADDED' },
      { ...operator, object: role('dr.appiah'), reason: 'ROLE_MEMBER_REMOVED' },
    ]);
    const events = await target.server.admin.adminEvents();
    expect(
      events
        .filter((event) => event.action.startsWith('role-address.'))
        .every((event) => event.subject === 'role:oncall-renal'),
    ).toBe(true);
    expect(JSON.stringify(await adminRecords())).not.toContain('On-call renal');
  });

  it('records legal holds placed and released by the compliance officer, on one user or the whole trail', async () => {
    await createUser(target, { userId: 'compliance.lee', displayName: 'Jin Lee', role: 'compliance-officer' });
    const officer = { actor: 'compliance.lee', role: 'compliance-officer', outcome: 'success' } as const;
    let onUser = '';
    let onAll = '';
    const placed = await newRecords(async () => {
      onUser = await target.server.admin.placeLegalHold('dr.appiah', 'compliance.lee');
      onAll = await target.server.admin.placeLegalHold(null, 'compliance.lee');
    });
    expect(placed).toEqual([
      { ...officer, object: { kind: 'legal-hold', id: onUser, userId: 'dr.appiah' }, reason: 'LEGAL_HOLD_PLACED' },
      { ...officer, object: { kind: 'legal-hold', id: onAll, userId: null }, reason: 'LEGAL_HOLD_PLACED' },
    ]);
    const released = await newRecords(async () => {
      expect(await target.server.admin.releaseLegalHold(onUser, 'compliance.lee')).toBe(true);
      expect(await target.server.admin.releaseLegalHold(onUser, 'compliance.lee')).toBe(false);
      expect(await target.server.admin.releaseLegalHold(onAll, 'compliance.lee')).toBe(true);
    });
    expect(released).toEqual([
      { ...officer, object: { kind: 'legal-hold', id: onUser, userId: 'dr.appiah' }, reason: 'LEGAL_HOLD_RELEASED' },
      { ...officer, object: { kind: 'legal-hold', id: onAll, userId: null }, reason: 'LEGAL_HOLD_RELEASED' },
    ]);
    const holds = (await target.server.admin.adminEvents()).filter((event) => event.action.startsWith('legal-hold.'));
    expect(holds.map((event) => [event.action, event.subject])).toEqual([
      ['legal-hold.placed', onUser],
      ['legal-hold.placed', onAll],
      ['legal-hold.released', onUser],
      ['legal-hold.released', onAll],
    ]);
    // An actor that is not a user id cannot be recorded, so the hold is not placed at all.
    const refused = await newRecords(() =>
      expect(target.server.admin.placeLegalHold(null, 'Jin Lee (IG)')).rejects.toBeInstanceOf(AdminInputError),
    );
    expect(refused).toEqual([]);
    expect(await target.server.admin.legalHolds()).toEqual([]);
  });

  it('records each audit purge with its outcome, and how many went from before when', async () => {
    const records = await newRecords(async () => {
      expect(await target.server.admin.purgeExpiredAudit(7, 'compliance.lee')).toBe(0);
      await expect(target.server.admin.purgeExpiredAudit(2)).rejects.toBeInstanceOf(RetentionTooShortError);
    });
    const purges = await target.server.admin.adminEvents({ action: 'audit.purged' });
    const receivedBefore = purges[0]?.receivedBefore ?? Number.NaN;
    expect(receivedBefore).toBeLessThanOrEqual(target.clock.now() - 7 * 365.25 * 24 * 3600 * 1000 + 1000);
    // The refused purge came to no bound and removed nothing, so it names no purge.
    expect(records).toEqual([
      {
        actor: 'compliance.lee',
        role: 'compliance-officer',
        outcome: 'success',
        object: { kind: 'audit-purge', receivedBefore, records: 0 },
        reason: 'AUDIT_PURGED',
      },
      { ...operator, outcome: 'failure', object: { kind: 'none' }, reason: 'AUDIT_RETENTION_TOO_SHORT' },
    ]);
  });

  it('keeps every admin record on one chain, signed and whole, with ids and codes only', async () => {
    const records = await adminRecords();
    const chains = new Set(records.map((entry) => entry.record.workstationId));
    expect(chains.size).toBe(1);
    expect(records.map((entry) => entry.record.seq)).toEqual(records.map((_, index) => index + 1));
    await loadSodium();
    expect(
      checkEntries(blake2b256, records, [...chains][0] as string, { seq: 1, previousHash: hex(GENESIS_HASH) }),
    ).toBeNull();
    const text = JSON.stringify(records);
    for (const name of ['Abena', 'Kwame Appiah', 'Jin Lee', 'Renal registrar']) expect(text).not.toContain(name);
  });
});

describe('SIEM forwarding, compared at each start', () => {
  it('records forwarding switched on, pointed elsewhere and off, and nothing when it did not change', async () => {
    const caPem = readFileSync(target.server.caCertPath, 'utf8');
    const restart = async (siem: { host: string; port: number; caPem: string } | undefined): Promise<Seen[]> => {
      const before = (await adminRecords()).length;
      await target.close();
      target = await startTestServer('pglite', {
        dataDir,
        clock: target.clock,
        ...(siem === undefined ? {} : { siem }),
      });
      return (await adminRecords()).slice(before).map(seen);
    };
    const siemRecords = (records: Seen[]) =>
      records.filter((record) => record.reason?.startsWith('SIEM_')).map(({ reason, object }) => [reason, object]);
    const caSha256 = new X509Certificate(caPem).fingerprint256.replaceAll(':', '').toLowerCase().slice(0, 32);
    const destination = (port: number) => ({ kind: 'siem-destination', host: '127.0.0.1', port, caSha256 });
    expect(siemRecords(await restart({ host: '127.0.0.1', port: 6514, caPem }))).toEqual([
      ['SIEM_FORWARDING_ENABLED', destination(6514)],
    ]);
    expect(siemRecords(await restart({ host: '127.0.0.1', port: 6514, caPem }))).toEqual([]);
    expect(siemRecords(await restart({ host: '127.0.0.1', port: 6515, caPem }))).toEqual([
      ['SIEM_DESTINATION_CHANGED', destination(6515)],
    ]);
    // Switching off names what was switched off.
    expect(siemRecords(await restart(undefined))).toEqual([['SIEM_FORWARDING_DISABLED', destination(6515)]]);
    expect(siemRecords(await restart(undefined))).toEqual([]);
    expect(siemRecords(await restart({ host: '127.0.0.1', port: 6515, caPem }))).toEqual([
      ['SIEM_FORWARDING_ENABLED', destination(6515)],
    ]);
  });
});
