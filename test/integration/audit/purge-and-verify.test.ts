/**
 * Six years on: a lawful purge removes what a nurse's workstation recorded seven years ago, and
 * the whole trail still exports and verifies in both formats, each purged record kept at its
 * place by its hash, explained by the purge the server's chain records. A stub that is removed or
 * altered behind the server is named, by its place in the tree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExport, writeExport, type ExportFormat } from '../../../server/audit/export-formats';
import { readTrail } from '../../../server/audit/trail-source';
import type { TrailExport } from '../../../shared/audit/trail-export';
import { runVerify } from '../../../server/audit/verify-cli';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { tempDir } from '../../support/vault-fixtures';
import { createWorkstation, type Workstation } from '../../support/workstation';

const YEAR = 365.25 * 24 * 3600 * 1000;
const nurse = account('nurse.okoye', 'nurse', 'Ada Okoye', 'Ward 3', 'Staff Nurse');
const doctor = account('dr.lindqvist', 'physician', 'Nils Lindqvist', 'Cardiology', 'Consultant');

let server: TestServer;
let ward: Workstation;
let office: Workstation;
/** How far the server's clock is from the real one: its receipts and heads are dated by it. */
let offset = 0;
let purged = 0;
const out = tempDir('wardline-purge-export-');

beforeAll(async () => {
  server = await startTestServer([nurse, doctor], { now: () => Date.now() + offset });
  // The ward's records must reach the server only at the sync below, under the moved clock: a
  // new record waits ten minutes before it syncs, and a failure as long before a retry.
  ward = createWorkstation(server.endpoint, {
    auditSyncBackoff: { initialMs: 600_000, maxMs: 600_000 },
    auditSyncDebounceMs: 600_000,
  });
  office = createWorkstation(server.endpoint);
  await signIn(office, doctor);
  await signIn(ward, nurse);
  const sent = await ward.call('message.send', {
    to: [{ kind: 'user', userId: doctor.userId }],
    title: null,
    text: 'Troponin 48, repeat at 6 h',
    priority: 'urgent',
    expiresInSeconds: null,
  });
  if (!sent.ok) throw new Error(sent.error.code);
  await ward.call('conversation.open', { conversationId: sent.value.conversationId });
  await ward.call('session.lock', {});
  // The server received the ward's records seven years ago, by its clock and by the heads it signed then.
  offset = -7 * YEAR;
  expect(await ward.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
  offset = 0;
  expect(await office.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
  purged = await server.server.admin.purgeExpiredAudit(6);
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close()]);
  await server.server.close();
});

async function exported(format: ExportFormat): Promise<string> {
  const { trail } = await readTrail({ dataDir: server.dataDir });
  const file = path.join(out, `trail.${format}`);
  writeFileSync(file, writeExport(trail, format, { at: Date.now(), id: `purged-${format}` }));
  return file;
}

function rewritten(file: string, change: (trail: TrailExport) => TrailExport): string {
  const read = readExport(readFileSync(file, 'utf8'));
  if (!read.ok) throw new Error(read.error.problem);
  const target = `${file}.edited`;
  writeFileSync(target, writeExport(change(read.value.trail), read.value.format, { at: Date.now(), id: 'edited' }));
  return target;
}

describe('a full export after a lawful purge', () => {
  it('purged only what was received more than six years ago, and kept the purge on the chain', async () => {
    expect(purged).toBeGreaterThanOrEqual(4);
    // What the server itself served her (her session, the envelope it accepted) it received now.
    const remaining = await server.server.admin.auditRecords({ userId: nurse.userId, limit: 1000 });
    // (The accepted envelope is folded a moment later, with whichever clock the server had then.)
    expect(remaining.map((entry) => entry.record.action)).toContain('session.issued');
    expect(remaining.filter((entry) => !['session.issued', 'message.accepted'].includes(entry.record.action))).toEqual(
      [],
    );
    const recent = await server.server.admin.auditRecords({ userId: doctor.userId, limit: 1000 });
    expect(recent.length).toBeGreaterThan(0);
    const purges = (await server.server.admin.auditRecords({ action: 'admin.action', limit: 1000 })).filter(
      (entry) => entry.record.object.kind === 'audit-purge',
    );
    expect(purges.map((entry) => entry.record.object)).toEqual([
      { kind: 'audit-purge', receivedBefore: expect.any(Number) as number, records: purged },
    ]);
  });

  it.each(['fhir', 'syslog'] as const)('verifies as %s, counting the purged records apart', async (format) => {
    const file = await exported(format);
    const text = readFileSync(file, 'utf8');
    for (const phi of ['Troponin', 'Okoye', 'Lindqvist']) expect(text).not.toContain(phi);
    const run = await runVerify([file]);
    expect(run.stdout).toMatch(new RegExp(`^OK: \\d+ records and ${String(purged)} purged under retention from `));
    expect(run.code).toBe(0);
  });

  it.each(['fhir', 'syslog'] as const)(
    'names a purged record whose stub was removed or altered (%s)',
    async (format) => {
      const file = await exported(format);
      const read = readExport(readFileSync(file, 'utf8'));
      if (!read.ok) throw new Error(read.error.problem);
      const victim = read.value.trail.purged![1]!;
      const dropped = await runVerify([
        rewritten(file, (trail) => ({
          ...trail,
          purged: trail.purged!.filter((stub) => stub.treeIndex !== victim.treeIndex),
        })),
      ]);
      expect(dropped.code).toBe(1);
      expect(dropped.stdout).toContain(`tree index ${String(victim.treeIndex)}: record missing from the export`);
      const altered = await runVerify([
        rewritten(file, (trail) => ({
          ...trail,
          purged: trail.purged!.map((stub) => (stub === trail.purged![1] ? { ...stub, hash: 'e'.repeat(64) } : stub)),
        })),
      ]);
      expect(altered.code).toBe(1);
      expect(altered.stdout).toMatch(/root does not match the records at tree index/);
    },
  );
});
