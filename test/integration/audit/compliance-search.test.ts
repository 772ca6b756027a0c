/**
 * The compliance officer's search through the real core and server: it finds the nurse's
 * "conversation opened" record and shows it verified; its export carries the proof that the trail
 * extends the head this workstation witnessed, and a Bundle the server tampers with on the way is
 * not saved; a nurse is refused by the channel and by the server; and when the server's store is
 * rewritten behind its back, the view says broken and names the record.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComplianceSearch } from '../../../main/audit/compliance-search';
import { readWitnessedHead, witnessedHeadFile } from '../../../main/audit/witnessed-head-file';
import { loadSodium } from '../../../shared/node/crypto/sodium';
import type { ApiClient } from '../../../main/server-link/api-client';
import { readExport } from '../../../server/audit/export-formats';
import { verifyTrail } from '../../../shared/node/audit/trail-verifier';
import { runVerify } from '../../../server/audit/verify-cli';
import { nodeVerifyCrypto } from '../../../shared/node/audit/verify-crypto';
import { openDatabase } from '../../../server/db/open-database';
import { startServer } from '../../../server/server';
import type { AuditSearchFilter } from '../../../shared/audit/audit-entry';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, openThread, type Workstation } from '../../support/workstation';
import { openRawSession } from '../../support/raw-session';

const nurse = account('nurse.achebe', 'nurse', 'Chinua Achebe', 'Ward 3', 'Staff Nurse');
const doctor = account('dr.mensah', 'physician', 'Kofi Mensah', 'Renal', 'Consultant');
const officer = account('compliance.lee', 'compliance-officer', 'Jin Lee', 'Information Governance', 'Privacy Officer');

const noFilter: AuditSearchFilter = {
  userId: null,
  patient: null,
  workstationId: null,
  conversationId: null,
  action: null,
  since: null,
  until: null,
};

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
  const sent = await office.call('message.send', {
    to: [{ kind: 'user', userId: nurse.userId }],
    title: null,
    text: 'Creatinine rising in bed 12',
    priority: 'routine',
    expiresInSeconds: null,
  });
  if (!sent.ok) throw new Error(sent.error.code);
  conversationId = sent.value.conversationId;
  for (let i = 0; i < 40 && !(await ward.call('conversation.open', { conversationId })).ok; i++)
    await new Promise((r) => setTimeout(r, 100));
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
    const found = await governance.call('audit.search', {
      filter: { ...noFilter, conversationId, action: 'conversation.opened' },
      afterIndex: -1,
    });
    if (!found.ok) throw new Error(found.error.code);
    expect(found.value.verification).toMatchObject({ status: 'verified', problems: [] });
    expect(found.value.records.length).toBeGreaterThanOrEqual(1);
    expect(
      found.value.records.every(
        (r) => r.record.action === 'conversation.opened' && r.record.object.kind === 'conversation',
      ),
    ).toBe(true);
    expect(found.value.records.map((r) => r.record.actor.userId)).toContain(nurse.userId);
    expect(JSON.stringify(found.value)).not.toContain('Creatinine');
  });

  it('filters by user and by action', async () => {
    const byNurse = await governance.call('audit.search', {
      filter: { ...noFilter, userId: nurse.userId },
      afterIndex: -1,
    });
    if (!byNurse.ok) throw new Error(byNurse.error.code);
    expect(byNurse.value.records.length).toBeGreaterThan(0);
    expect(byNurse.value.records.every((r) => r.record.actor.userId === nurse.userId)).toBe(true);
    const signIns = await governance.call('audit.search', {
      filter: { ...noFilter, action: 'sign-in.succeeded' },
      afterIndex: -1,
    });
    if (!signIns.ok) throw new Error(signIns.error.code);
    expect(new Set(signIns.value.records.map((r) => r.record.actor.userId))).toEqual(
      new Set([nurse.userId, doctor.userId, officer.userId]),
    );
  });

  it('exports the selection, verified, as a FHIR Bundle that audit:verify accepts, and records the export', async () => {
    // The trail grows past the head this workstation witnessed: the export must prove it extends it.
    // Its own records from the searches above are synced first, so no sync of them moves that head
    // between reading it here and the export (on a loaded machine the debounced one landed there).
    expect(await governance.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
    const witnessed = readWitnessedHead(governance.dataDir);
    if (!witnessed.ok || witnessed.value === null) throw new Error('no witnessed head');
    await ward.call('conversation.open', { conversationId });
    expect(await ward.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
    const exported = await governance.call('audit.export', { filter: { ...noFilter, conversationId } });
    if (!exported.ok) throw new Error(exported.error.code);
    expect(exported.value.verification).toMatchObject({ status: 'verified', problems: [] });
    expect(exported.value.fileName).toMatch(/^wardline-audit-[0-9TZ-]+\.fhir\.json$/);
    const text = readFileSync(path.join(governance.dataDir, 'exports', exported.value.fileName), 'utf8');
    const read = readExport(text);
    if (!read.ok) throw new Error(read.error.problem);
    expect(read.value.trail.entries).toHaveLength(exported.value.records);
    expect(read.value.trail.entries.every((e) => e.inclusionProof !== null)).toBe(true);
    const sodium = await loadSodium();
    const report = await verifyTrail(read.value.trail, nodeVerifyCrypto(sodium));
    expect(report.breaks).toEqual([]);
    const old = witnessed.value.head.treeSize;
    expect(read.value.trail.consistency?.map((proof) => proof.fromSize)).toEqual([old]);
    expect(report.latestHead?.treeSize).toBeGreaterThan(old);
    // What audit:verify says of the file: consistent with the head the workstation witnessed, once pinned.
    const file = path.join(governance.dataDir, 'exports', exported.value.fileName);
    const pinned = await runVerify([file, '--since-head', witnessedHeadFile(governance.dataDir)]);
    expect(pinned).toMatchObject({ code: 0, stderr: '' });
    // A selection: who was signed in where is checked on a full export, and the output says so.
    expect(pinned.stdout).toMatch(
      new RegExp(`^OK: .*, consistent with the trusted head of ${String(old)}\nNOTE: this is a selection: [^\n]*\n$`),
    );
    const unpinned = await runVerify([file]);
    expect(unpinned.code).toBe(0);
    expect(unpinned.stdout).toContain('WARNING: the audit key was taken from the export itself and is not pinned');
    // Recorded twice: by the officer's workstation, and by the server that served the export
    // on its own chain (folded after a short delay: folded now, so the count is not a race).
    expect(await governance.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
    await server.server.foldServerTrail();
    const recorded = await governance.call('audit.search', {
      filter: { ...noFilter, userId: officer.userId, action: 'export.created' },
      afterIndex: -1,
    });
    const records = recorded.ok ? recorded.value.records.map((r) => r.record) : [];
    expect(records.map((record) => record.object)).toEqual([
      { kind: 'search', resultCount: exported.value.records },
      { kind: 'search', resultCount: exported.value.records },
    ]);
    expect(new Set(records.map((record) => record.workstationId)).size).toBe(2);
    expect(await ward.call('audit.export', { filter: noFilter })).toMatchObject({
      ok: false,
      error: { code: 'NOT_PERMITTED' },
    });
  });

  it('saves no Bundle that differs from what was verified: an edited or a dropped record is refused', async () => {
    const raw = await openRawSession(server.endpoint, officer, 1);
    try {
      type Bundle = { entry: { resource: Record<string, unknown> & { resourceType: string } }[] };
      const tamperings: Record<string, (bundle: Bundle) => void> = {
        'an outcome flipped': (bundle) => {
          const event = bundle.entry.find((item) => item.resource.resourceType === 'AuditEvent')!.resource;
          event.outcome = event.outcome === '0' ? '4' : '0';
        },
        'a record dropped': (bundle) => {
          bundle.entry.splice(
            bundle.entry.findIndex((item) => item.resource.resourceType === 'AuditEvent'),
            1,
          );
        },
      };
      for (const [name, tamper] of Object.entries(tamperings)) {
        // The server as seen through a path that edits the Bundle it writes.
        const api: ApiClient = {
          async call(route, request, token) {
            const answer = await raw.api.call(route, request, token);
            if (route !== 'auditExport' || !answer.ok) return answer;
            const value = answer.value as { records: number; bundle: string };
            const bundle = JSON.parse(value.bundle) as Bundle;
            tamper(bundle);
            return { ok: true, value: { ...value, bundle: JSON.stringify(bundle) } } as typeof answer;
          },
          close: () => undefined,
        };
        const search = createComplianceSearch({ api, token: () => raw.session.token, witnessed: () => null });
        const saved: string[] = [];
        const result = await search.exportSelection(
          { ...noFilter, conversationId },
          (fileName) => Promise.resolve(void saved.push(fileName)),
          Date.now(),
        );
        expect(result, name).toMatchObject({ ok: false, error: { code: 'SERVER_UNTRUSTED' } });
        expect(saved, name).toEqual([]);
      }
      // The same path without an edit saves.
      const honest = createComplianceSearch({ api: raw.api, token: () => raw.session.token, witnessed: () => null });
      const saved: string[] = [];
      expect(
        await honest.exportSelection(
          { ...noFilter, conversationId },
          (_fileName, content) => Promise.resolve(void saved.push(content)),
          Date.now(),
        ),
      ).toMatchObject({ ok: true });
      expect(saved).toHaveLength(1);
    } finally {
      raw.close();
    }
  });

  it('refuses a nurse: the channel before main acts, and the server too', async () => {
    expect(await ward.call('audit.search', { filter: noFilter, afterIndex: -1 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_PERMITTED' },
    });
    const raw = await openRawSession(server.endpoint, nurse, 1);
    try {
      const answer = await raw.api.call(
        'auditSearch',
        { filter: noFilter, afterIndex: -1, limit: 10, knownTreeSize: 0 },
        raw.session.token,
      );
      expect(answer).toEqual({ ok: false, error: { code: 'FORBIDDEN' } });
    } finally {
      raw.close();
    }
  });

  it('says broken, and names the record, when the store is rewritten behind the server', async () => {
    const before = await governance.call('audit.search', {
      filter: { ...noFilter, conversationId, action: 'conversation.opened' },
      afterIndex: -1,
    });
    if (!before.ok) throw new Error(before.error.code);
    const target = before.value.records[0];
    if (target === undefined) throw new Error('no record');

    const port = server.server.port;
    await server.server.close();
    const db = await openDatabase({ dataDir: server.dataDir });
    try {
      // The database owner can switch the triggers off; the tree and the heads still know.
      await db.query('ALTER TABLE audit_records DISABLE TRIGGER USER');
      await db.query(`UPDATE audit_records SET record = replace(record, $1, $2) WHERE tree_index = $3`, [
        nurse.userId,
        doctor.userId,
        target.treeIndex,
      ]);
      await db.query('ALTER TABLE audit_records ENABLE TRIGGER USER');
    } finally {
      await db.close();
    }
    server = { ...server, server: await startServer({ dataDir: server.dataDir, port, log: { level: 'silent' } }) };

    const after = await governance.call('audit.search', {
      filter: { ...noFilter, conversationId, action: 'conversation.opened' },
      afterIndex: -1,
    });
    if (!after.ok) throw new Error(after.error.code);
    expect(after.value.verification.status).toBe('broken');
    expect(after.value.verification.problems).toContainEqual({
      treeIndex: target.treeIndex,
      problem: 'the record does not match its hash',
    });
  });
});
