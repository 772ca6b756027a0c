/**
 * IHE ATNA: the SIEM authenticates the server too. Against a real rsyslog that requires a client
 * certificate (gtls, authmode x509/certvalid or x509/name), the forwarder with the right
 * certificate delivers; without one, with one from another CA, or with one naming another peer,
 * the TLS handshake completes on the client's side and rsyslog then drops the connection ("peer
 * did not provide a certificate"), and the forwarder must report that as a failure: nothing
 * counts as delivered, nothing is lost, and everything goes once the SIEM accepts. The server
 * keeps its cursor through such a refusal and delivers the whole trail once started with the
 * right certificate.
 */
import { readdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { storedEntry, type StoredEntry } from '../../../shared/audit/audit-entry';
import { auditFromSyslog } from '../../../shared/node/syslog/audit-syslog';
import { formatAuditEntry } from '../../../shared/node/syslog/rfc5424';
import { openDatabase } from '../../../server/db/open-database';
import { startServer, type RunningServer, type ServerOptions } from '../../../server/server';
import { ServerOptionError } from '../../../server/server-option-error';
import { readSiemCursor } from '../../../server/siem/siem-cursor-store';
import { createSyslogForwarder, type SyslogForwarder } from '../../../server/siem/syslog-forwarder';
import { createCertificateAuthority, type CertificatePair } from '../../../server/tls/certificates';
import { createClientCertificate } from '../../support/client-certificates';
import { account } from '../../support/messaging-server';
import { type RsyslogServer, startRsyslog } from '../../support/rsyslog';
import { tempDir } from '../../support/vault-fixtures';

const WORKSTATION = '3c9e1f2a-7b4d-4e6f-9a8b-0c1d2e3f4a5b';
const PEER = 'wardline-server.hospital.example';
/** Long enough on a loaded machine for rsyslog's refusal (a millisecond on loopback) to come first. */
const DELIVERY = { confirmMs: 500, settleMs: 2_000, backoff: { initialMs: 50, maxMs: 400 } };

interface LogLine {
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

const servers: RsyslogServer[] = [];
const forwarders: SyslogForwarder[] = [];
const running: RunningServer[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.allSettled(forwarders.splice(0).map((created) => created.close({ timeoutMs: 100 })));
  await Promise.allSettled(running.splice(0).map((server) => server.close()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function atnaReceiver(clientAuth: Parameters<typeof startRsyslog>[0] = {}): Promise<RsyslogServer> {
  const server = await startRsyslog({ clientAuth: { mode: 'x509/certvalid' }, ...clientAuth });
  servers.push(server);
  return server;
}

function forwarder(server: RsyslogServer, logs: LogLine[], clientCertificate?: CertificatePair): SyslogForwarder {
  const created = createSyslogForwarder({
    host: server.host,
    port: server.port,
    ca: server.caPem,
    ...(clientCertificate === undefined ? {} : { clientCertificate }),
    logger: { warn: (obj, msg) => logs.push({ obj: obj as Record<string, unknown>, msg }) },
    ...DELIVERY,
  });
  forwarders.push(created);
  return created;
}

function entry(treeIndex: number): StoredEntry {
  return storedEntry.parse({
    record: {
      actor: { userId: 'nurse.adams', role: 'nurse' },
      action: 'session.locked',
      object: { kind: 'none' },
      patient: null,
      at: Date.UTC(2026, 2, 14, 9, 0, 0, treeIndex),
      seq: treeIndex,
      workstationId: WORKSTATION,
      outcome: 'success',
      reason: null,
    },
    previousHash: 'a'.repeat(64),
    hash: 'b'.repeat(64),
    treeIndex,
  });
}
const lines = (count: number) => Array.from({ length: count }, (_, index) => formatAuditEntry(entry(index)));

/** Polls (rsyslog is another process) until `done` holds; throws with `what` after the deadline. */
async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const refusals = (logs: readonly LogLine[]) => logs.filter((line) => line.obj.event === 'siem.refused').length;

/** The forwarder was refused (twice, so it retried) and reports it: nothing delivered, everything kept. */
async function expectRefused(server: RsyslogServer, forward: SyslogForwarder, logs: LogLine[], sent: number) {
  await until('two refusals', () => refusals(logs) >= 2);
  await expect(forward.flush({ timeoutMs: 300 })).rejects.toThrow(/not yet delivered/);
  expect(forward.delivered).toBe(0);
  expect(forward.pending).toBe(sent);
  expect(await server.readMessages()).toEqual([]);
  for (const line of logs.filter((log) => log.obj.event === 'siem.refused'))
    expect(line.obj).toEqual({ event: 'siem.refused', code: 'SIEM_CLOSED_AFTER_HANDSHAKE' });
}

describe('the syslog forwarder and a SIEM that requires a client certificate', () => {
  it('delivers with a certificate from the SIEM’s CA', async () => {
    const server = await atnaReceiver();
    const logs: LogLine[] = [];
    const forward = forwarder(server, logs, await server.clientCertificate(PEER));
    const sent = lines(5);
    forward.send(sent);
    await forward.flush({ timeoutMs: 15_000 });
    expect(forward.delivered).toBe(5);
    expect(await server.waitForMessages(5, 10_000)).toEqual(sent);
    expect(logs).toEqual([]);
  });

  it('without one reports failure, keeps everything, and delivers it all once the SIEM accepts', async () => {
    const server = await atnaReceiver();
    const logs: LogLine[] = [];
    const forward = forwarder(server, logs);
    const sent = lines(7);
    forward.send(sent.slice(0, 4));
    forward.send(sent.slice(4));

    await expectRefused(server, forward, logs, 7);
    expect(await server.diagnostics()).toContain('peer did not provide a certificate');

    // The SIEM's administrator lets this server in (here: stops requiring a certificate).
    await server.stop();
    await server.start({ clientAuth: { mode: 'anon' } });
    await forward.flush({ timeoutMs: 20_000 });
    expect(forward.delivered).toBe(7);
    expect(forward.pending).toBe(0);
    // Nothing was ever written to the SIEM that refused it, so each arrives exactly once.
    expect(await server.waitForMessages(7, 10_000)).toEqual(sent);
  });

  it('with a certificate from another CA, or naming a peer the SIEM does not permit, reports failure', async () => {
    const server = await atnaReceiver();
    const otherCa = await createCertificateAuthority(Date.now());
    const logs: LogLine[] = [];
    const forward = forwarder(server, logs, await createClientCertificate(otherCa, Date.now(), PEER));
    forward.send(lines(3));
    await expectRefused(server, forward, logs, 3);

    const byName = await atnaReceiver({ clientAuth: { mode: 'x509/name', permittedPeers: [PEER] } });
    const strangerLogs: LogLine[] = [];
    const stranger = forwarder(byName, strangerLogs, await byName.clientCertificate('someone-else.example'));
    stranger.send(lines(2));
    await expectRefused(byName, stranger, strangerLogs, 2);

    const permittedLogs: LogLine[] = [];
    const permitted = forwarder(byName, permittedLogs, await byName.clientCertificate(PEER));
    permitted.send(lines(2));
    await permitted.flush({ timeoutMs: 15_000 });
    expect(await byName.waitForMessages(2, 10_000)).toEqual(lines(2));
    expect(permittedLogs).toEqual([]);
  });
});

describe('a server forwarding to a SIEM that requires a client certificate', { timeout: 90_000 }, () => {
  const nurse = account('nurse.okoro', 'nurse', 'Ada Okoro', 'Ward 7', 'Staff Nurse');

  function serverOptions(dataDir: string, server: RsyslogServer, logs: string[], client?: CertificatePair) {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    return {
      dataDir,
      port: 0,
      log: { level: 'warn', destination },
      siem: {
        host: server.host,
        port: server.port,
        caPem: server.caPem,
        enterpriseNumber: 54_321,
        delivery: DELIVERY,
        ...(client === undefined ? {} : { clientCertificate: client }),
      },
    } satisfies ServerOptions;
  }

  it('keeps its cursor while refused and delivers the whole trail once it has the right certificate', async () => {
    const siem = await atnaReceiver();
    const dataDir = tempDir('wardline-server-');
    folders.push(dataDir);
    const logs: string[] = [];
    const refused = await startServer(serverOptions(dataDir, siem, logs));
    running.push(refused);
    await refused.admin.createAccount(nurse);
    await refused.admin.revokeSessions(nurse.userId);
    const stored = await refused.admin.auditRecords({ limit: 100_000 });
    expect(stored.length).toBeGreaterThan(0);
    await until('a refusal', () => logs.some((line) => line.includes('"event":"siem.refused"')));
    expect(logs.some((line) => line.includes('"event":"siem.placeholder-enterprise-number"'))).toBe(false);
    await refused.close();
    running.splice(0);
    expect(await siem.readMessages()).toEqual([]);
    const db = await openDatabase({ dataDir });
    try {
      expect(await readSiemCursor(db)).toBe(0);
    } finally {
      await db.close();
    }

    const accepted = await startServer(serverOptions(dataDir, siem, logs, await siem.clientCertificate(PEER)));
    running.push(accepted);
    const records = await accepted.admin.auditRecords({ limit: 100_000 });
    const heads = await accepted.admin.auditHeads();
    await until('the whole trail at the SIEM', async () => {
      const received = (await siem.readMessages()).map((line) => auditFromSyslog(line));
      const indexes = new Set(
        received.flatMap((read) => (read.ok && read.value.kind === 'entry' ? [read.value.entry.treeIndex] : [])),
      );
      const sizes = new Set(
        received.flatMap((read) => (read.ok && read.value.kind === 'tree-head' ? [read.value.head.treeSize] : [])),
      );
      return (
        records.every((record) => indexes.has(record.treeIndex)) && heads.every((head) => sizes.has(head.treeSize))
      );
    });
    const received = await siem.readMessages();
    // Under the hospital's PEN, each once: nothing went to the SIEM while it refused.
    expect(received.every((line) => /\[(?:audit|treehead|batch)@54321 /.test(line))).toBe(true);
    expect(new Set(received).size).toBe(received.length);
  });

  it('refuses to start with a key that is not the certificate’s, a PEN or a code-system base that is not one', async () => {
    const siem = await atnaReceiver();
    const dataDir = tempDir('wardline-server-');
    folders.push(dataDir);
    const one = await siem.clientCertificate(PEER);
    const other = await siem.clientCertificate(PEER);
    const base = serverOptions(dataDir, siem, []);
    const refusal = (options: ServerOptions) =>
      startServer(options).then(
        () => 'started',
        (error: unknown) => (error instanceof ServerOptionError ? error.code : 'other'),
      );
    expect(
      await refusal({
        ...base,
        siem: { ...base.siem, clientCertificate: { certPem: one.certPem, keyPem: other.keyPem } },
      }),
    ).toBe('KEY_DOES_NOT_MATCH_CERTIFICATE');
    expect(
      await refusal({ ...base, siem: { ...base.siem, clientCertificate: { certPem: 'nope', keyPem: one.keyPem } } }),
    ).toBe('CERTIFICATE_UNREADABLE');
    expect(await refusal({ ...base, siem: { ...base.siem, enterpriseNumber: 0 } })).toBe(
      'SIEM_ENTERPRISE_NUMBER_INVALID',
    );
    expect(await refusal({ ...base, fhirCodeSystemBase: 'http://terminology.example/fhir' })).toBe(
      'FHIR_CODE_SYSTEM_BASE_INVALID',
    );
    // Refused before anything was opened or written.
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
