/**
 * The compliance officer's search through the real core and server: it finds the nurse's
 * "conversation opened" record and shows it verified; a nurse is refused by the channel and by
 * the server; and when the server's store is rewritten behind its back, the view says broken
 * and names the record.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../main/keys/sodium';
import { readExport } from '../../../server/audit/export-formats';
import { verifyTrail } from '../../../server/audit/trail-verifier';
import { nodeVerifyCrypto } from '../../../server/audit/verify-crypto';
import { openDatabase } from '../../../server/db/open-database';
import { startServer } from '../../../server/server';
import type { AuditSearchFilter } from '../../../shared/audit/audit-entry';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, openThread, type Workstation } from '../../support/workstation';
import { openRawSession } from '../../support/raw-session';

const nurse = account('nurse.achebe', 'nurse', 'Chinua Achebe', 'Ward 3', 'Staff Nurse');
const doctor = account('dr.mensah', 'physician', 'Kofi Mensah', 'Renal', 'Consultant');
const officer = account('compliance.lee', 'compliance-officer', 'Jin Lee', 'Information Governance', 'Privacy Officer');

const noFilter: AuditSearchFilter = { userId: null, patient: null, workstationId: null, conversationId: null, action: null, since: null, until: null };

let server: TestServer;
let ward: Workstation;
let office: Workstation;
let governance: Workstation;
let conversationId: string;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, officer]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint);
  governance = createWorkstation(server.endpoint);
  await signIn(office, doctor);
  await signIn(ward, nurse);
  const sent = await office.call('message.send', { to: [{ kind: 'user', userId: nurse.userId }], title: null, text: 'Creatinine rising in bed 12', priority: 'routine', expiresInSeconds: null });
  if (!sent.ok) throw new Error(sent.error.code);
  conversationId = sent.value.conversationId;
  for (let i = 0; i < 40 && !(await ward.call('conversation.open', { conversationId })).ok; i++) await new Promise((r) => setTimeout(r, 100));
  await openThread(ward, conversationId);
  expect(await ward.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
  expect(await office.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
  await signIn(governance, officer);
  expect(await governance.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close(), governance.close()]);
  await server.server.close();
});

describe('the compliance search', () => {
  it("finds the nurse's conversation-opened record for the conversation, verified against the signed head", async () => {
    const found = await governance.call('audit.search', { filter: { ...noFilter, conversationId, action: 'conversation.opened' }, afterIndex: -1 });
    if (!found.ok) throw new Error(found.error.code);
    expect(found.value.verification).toMatchObject({ status: 'verified', problems: [] });
    expect(found.value.records.length).toBeGreaterThanOrEqual(1);
    expect(found.value.records.every((r) => r.record.action === 'conversation.opened' && r.record.object.kind === 'conversation')).toBe(true);
    expect(found.value.records.map((r) => r.record.actor.userId)).toContain(nurse.userId);
    expect(JSON.stringify(found.value)).not.toContain('Creatinine');
  });

  it('filters by user and by action', async () => {
    const byNurse = await governance.call('audit.search', { filter: { ...noFilter, userId: nurse.userId }, afterIndex: -1 });
    if (!byNurse.ok) throw new Error(byNurse.error.code);
    expect(byNurse.value.records.length).toBeGreaterThan(0);
    expect(byNurse.value.records.every((r) => r.record.actor.userId === nurse.userId)).toBe(true);
    const signIns = await governance.call('audit.search', { filter: { ...noFilter, action: 'sign-in.succeeded' }, afterIndex: -1 });
    if (!signIns.ok) throw new Error(signIns.error.code);
    expect(new Set(signIns.value.records.map((r) => r.record.actor.userId))).toEqual(new Set([nurse.userId, doctor.userId, officer.userId]));
  });

  it('exports the selection, verified, as a FHIR Bundle that audit:verify accepts, and records the export', async () => {
    const exported = await governance.call('audit.export', { filter: { ...noFilter, conversationId } });
    if (!exported.ok) throw new Error(exported.error.code);
    expect(exported.value.verification).toMatchObject({ status: 'verified', problems: [] });
    expect(exported.value.fileName).toMatch(/^wardline-audit-[0-9TZ-]+\.fhir\.json$/);
    const text = readFileSync(path.join(governance.dataDir, 'exports', exported.value.fileName), 'utf8');
    const read = readExport(text);
    if (!read.ok) throw new Error(read.problem);
    expect(read.trail.entries).toHaveLength(exported.value.records);
    expect(read.trail.entries.every((e) => e.inclusionProof !== null)).toBe(true);
    const sodium = await loadSodium();
    const report = await verifyTrail(read.trail, nodeVerifyCrypto(sodium));
    expect(report.breaks).toEqual([]);
    expect(await governance.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
    const recorded = await governance.call('audit.search', { filter: { ...noFilter, userId: officer.userId, action: 'export.created' }, afterIndex: -1 });
    expect(recorded.ok && recorded.value.records.map((r) => r.record.object)).toEqual([{ kind: 'search', resultCount: exported.value.records }]);
    expect(await ward.call('audit.export', { filter: noFilter })).toMatchObject({ ok: false, error: { code: 'NOT_PERMITTED' } });
  });

  it('refuses a nurse: the channel before main acts, and the server too', async () => {
    expect(await ward.call('audit.search', { filter: noFilter, afterIndex: -1 })).toMatchObject({ ok: false, error: { code: 'NOT_PERMITTED' } });
    const raw = await openRawSession(server.endpoint, nurse, 1);
    try {
      const answer = await raw.api.call('auditSearch', { filter: noFilter, afterIndex: -1, limit: 10, knownTreeSize: 0 }, raw.session.token);
      expect(answer).toEqual({ ok: false, error: { code: 'FORBIDDEN' } });
    } finally {
      raw.close();
    }
  });

  it('says broken, and names the record, when the store is rewritten behind the server', async () => {
    const before = await governance.call('audit.search', { filter: { ...noFilter, conversationId, action: 'conversation.opened' }, afterIndex: -1 });
    if (!before.ok) throw new Error(before.error.code);
    const target = before.value.records[0];
    if (target === undefined) throw new Error('no record');

    const port = server.server.port;
    await server.server.close();
    const db = await openDatabase({ dataDir: server.dataDir });
    try {
      // The database owner can switch the triggers off; the tree and the heads still know.
      await db.query('ALTER TABLE audit_records DISABLE TRIGGER USER');
      await db.query(`UPDATE audit_records SET record = replace(record, $1, $2) WHERE tree_index = $3`, [nurse.userId, doctor.userId, target.treeIndex]);
      await db.query('ALTER TABLE audit_records ENABLE TRIGGER USER');
    } finally {
      await db.close();
    }
    server = { ...server, server: await startServer({ dataDir: server.dataDir, port, log: { level: 'silent' } }) };

    const after = await governance.call('audit.search', { filter: { ...noFilter, conversationId, action: 'conversation.opened' }, afterIndex: -1 });
    if (!after.ok) throw new Error(after.error.code);
    expect(after.value.verification.status).toBe('broken');
    expect(after.value.verification.problems).toContainEqual({ treeIndex: target.treeIndex, problem: 'the record does not match its hash' });
  });
});
