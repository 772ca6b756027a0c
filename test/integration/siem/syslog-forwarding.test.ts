import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../shared/audit/audit-event';
import { type SignedTreeHead, type StoredEntry, signedTreeHead, storedEntry } from '../../../shared/audit/audit-entry';
import { formatAuditEntry, formatTreeHead } from '../../../shared/node/syslog/rfc5424';
import { createSyslogForwarder, type SyslogForwarder } from '../../../server/siem/syslog-forwarder';
import { createCertificateAuthority } from '../../../server/tls/certificates';
import { paramsOf, parseRfc5424 } from '../../support/rfc5424-parse';
import { type RsyslogServer, startRsyslog } from '../../support/rsyslog';

const WORKSTATION = '3c9e1f2a-7b4d-4e6f-9a8b-0c1d2e3f4a5b';
const CONVERSATION = '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b';
const MESSAGE = '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d';
const HOSTNAME = 'wardline-srv-1.hospital.example';
const AT = Date.UTC(2026, 2, 14, 9, 26, 53, 589);
const hex = (label: string) => createHash('sha256').update(label).digest('hex');

function entry(treeIndex: number, record: Partial<AuditRecord> = {}): StoredEntry {
  return storedEntry.parse({
    record: {
      actor: { userId: 'nurse.adams', role: 'nurse' },
      action: 'message.sent',
      object: { kind: 'message', id: MESSAGE, conversationId: CONVERSATION },
      patient: null,
      at: AT + treeIndex,
      seq: treeIndex,
      workstationId: WORKSTATION,
      outcome: 'success',
      reason: null,
      ...record,
    },
    previousHash: hex(`entry ${String(treeIndex - 1)}`),
    hash: hex(`entry ${String(treeIndex)}`),
    treeIndex,
  });
}

/** What the SIEM must see for an entry, written from the record's fields rather than from the formatter. */
function expectedParams(stored: StoredEntry): Record<string, string> {
  const { record } = stored;
  const params: Record<string, string> = {
    idx: String(stored.treeIndex),
    ws: record.workstationId,
    seq: String(record.seq),
    act: record.action,
    obj: record.object.kind,
    outcome: record.outcome,
    prev: stored.previousHash,
    hash: stored.hash,
  };
  if (record.actor.userId !== null) params.user = record.actor.userId;
  if (record.actor.role !== null) params.role = record.actor.role;
  if (record.patient !== null) params.patient = record.patient;
  if (record.reason !== null) params.reason = record.reason;
  if ('id' in record.object) params.objId = record.object.id;
  if (record.object.kind === 'message') params.conv = record.object.conversationId;
  if (record.object.kind === 'search') params.count = String(record.object.resultCount);
  return params;
}

interface LogLine {
  readonly obj: object;
  readonly msg: string;
}

const servers: RsyslogServer[] = [];
const forwarders: SyslogForwarder[] = [];

async function rsyslog(): Promise<RsyslogServer> {
  const server = await startRsyslog();
  servers.push(server);
  return server;
}

function forwarder(server: RsyslogServer, logs: LogLine[] = [], ca = server.caPem): SyslogForwarder {
  const created = createSyslogForwarder({
    host: server.host,
    port: server.port,
    ca,
    backoff: { initialMs: 50, maxMs: 400 },
    // Short, so the tests run quickly; a refusal on loopback comes within a millisecond or two.
    confirmMs: 100,
    settleMs: 200,
    logger: { warn: (obj, msg) => logs.push({ obj, msg }) },
  });
  forwarders.push(created);
  return created;
}

afterEach(async () => {
  await Promise.allSettled(forwarders.splice(0).map((created) => created.close({ timeoutMs: 100 })));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** Waits until every expected message has arrived at least once. */
async function waitForAll(server: RsyslogServer, expected: readonly string[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const received = await server.readMessages();
    const seen = new Set(received);
    const missing = expected.filter((message) => !seen.has(message));
    if (missing.length === 0) return received;
    if (Date.now() > deadline)
      throw new Error(`${String(missing.length)} of ${String(expected.length)} messages never arrived`);
    await sleep(25);
  }
}

describe('forwarding the audit trail to a SIEM over syslog/TLS', () => {
  it('delivers entries and a tree head that a strict RFC 5424 parser reads back field for field', async () => {
    const server = await rsyslog();
    const logs: LogLine[] = [];
    const forward = forwarder(server, logs);
    const entries = [
      entry(0),
      entry(1, {
        action: 'sign-in.failed',
        actor: { userId: null, role: null },
        object: { kind: 'none' },
        outcome: 'failure',
        reason: 'BAD_PASSWORD',
      }),
      entry(2, {
        action: 'search.performed',
        actor: { userId: 'dr.okafor', role: 'physician' },
        object: { kind: 'search', resultCount: 12 },
      }),
      entry(3, {
        action: 'conversation.opened',
        object: { kind: 'conversation', id: CONVERSATION },
        patient: 'pat-Q7x2Lm9',
      }),
      entry(4, {
        action: 'policy.loaded',
        actor: { userId: 'it.admin', role: 'it-admin' },
        object: { kind: 'setting', id: 'idleLockSeconds' },
      }),
      // Not a valid code, but the formatter must still escape it; it proves escapes survive the SIEM's receiver.
      { ...entry(5), record: { ...entry(5).record, reason: 'Q"UOTE\\SLASH]BRACKET' } },
    ];
    const head: SignedTreeHead = signedTreeHead.parse({
      treeSize: 6,
      timestamp: AT + 10,
      rootHash: hex('root'),
      signature: randomBytes(64).toString('base64'),
    });
    const sent = [
      ...entries.map((stored) => formatAuditEntry(stored, { hostname: HOSTNAME })),
      formatTreeHead(head, { hostname: HOSTNAME, at: AT + 11 }),
    ];

    forward.send(sent.slice(0, 2));
    forward.send(sent.slice(2));
    await forward.flush();
    expect(forward.pending).toBe(0);
    const received = await server.waitForMessages(sent.length, 10_000);

    expect(received).toEqual(sent);
    const parsed = received.map((line) => parseRfc5424(line));
    entries.forEach((stored, index) => {
      const message = parsed[index]!;
      expect(message).toMatchObject({
        facility: 13,
        severity: stored.record.outcome === 'failure' ? 4 : 5,
        version: 1,
        timestamp: new Date(stored.record.at).toISOString(),
        // Bound to the record: the workstation it happened on (see rfc5424.ts).
        hostname: stored.record.workstationId,
        appName: 'wardline',
        procId: null,
        msgId: stored.record.action,
        msg: null,
      });
      expect(message.structuredData.map((element) => element.id)).toEqual(['audit@32473']);
      expect(paramsOf(message.structuredData[0]!)).toEqual(expectedParams(stored));
    });
    const headMessage = parsed[entries.length]!;
    expect(headMessage).toMatchObject({
      facility: 13,
      severity: 6,
      msgId: 'tree-head',
      timestamp: new Date(head.timestamp).toISOString(),
      msg: null,
    });
    expect(headMessage.structuredData.map((element) => element.id)).toEqual(['treehead@32473']);
    expect(paramsOf(headMessage.structuredData[0]!)).toEqual({
      size: '6',
      ts: String(head.timestamp),
      root: head.rootHash,
      sig: head.signature,
    });
    expect(paramsOf(parsed[5]!.structuredData[0]!).reason).toBe('Q"UOTE\\SLASH]BRACKET');

    await forward.close();
    expect(logs).toEqual([]);
  });

  it('loses nothing when the SIEM stops while messages are sent and comes back on the same port', async () => {
    const server = await rsyslog();
    const logs: LogLine[] = [];
    const forward = forwarder(server, logs);
    const message = (index: number) => formatAuditEntry(entry(index), { hostname: HOSTNAME });
    const sent: string[] = [];
    const send = (from: number, count: number) => {
      const batch = Array.from({ length: count }, (_, offset) => message(from + offset));
      sent.push(...batch);
      forward.send(batch);
    };

    send(0, 5);
    await forward.flush();
    await server.waitForMessages(5, 10_000);

    // Sent while rsyslogd is shutting down, and after it has gone.
    const stopping = server.stop();
    for (let batch = 0; batch < 10; batch += 1) {
      send(5 + batch * 3, 3);
      await sleep(5);
    }
    await stopping;
    send(35, 5);
    await sleep(300);
    expect(forward.pending).toBeGreaterThan(0);

    await server.start();
    send(40, 5);
    await forward.flush({ timeoutMs: 15_000 });
    const received = await waitForAll(server, sent, 15_000);

    // At least once: a message written just before the connection dropped may come twice, byte for byte.
    const sentSet = new Set(sent);
    expect(received.filter((line) => !sentSet.has(line))).toEqual([]);
    for (const line of new Set(received)) parseRfc5424(line);
    const indexes = new Set(received.map((line) => Number(paramsOf(parseRfc5424(line).structuredData[0]!).idx)));
    expect([...indexes].sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, index) => index));

    await forward.close();
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) {
      // An event and an error code, nothing else.
      expect(['code', 'event']).toEqual(expect.arrayContaining(Object.keys(line.obj)));
      expect(line.obj).toHaveProperty('event');
      const text = JSON.stringify(line);
      expect(text).not.toContain(WORKSTATION);
      expect(text).not.toContain('nurse.adams');
      expect(text).not.toContain(server.host);
    }
  });

  it('keeps send order through socket backpressure', async () => {
    const server = await rsyslog();
    const forward = forwarder(server);
    const sent = Array.from({ length: 3000 }, (_, index) => formatAuditEntry(entry(index), { hostname: HOSTNAME }));
    for (let start = 0; start < sent.length; start += 500) forward.send(sent.slice(start, start + 500));
    expect(forward.pending).toBe(sent.length);
    await forward.flush();
    expect(await server.waitForMessages(sent.length, 20_000)).toEqual(sent);
  });

  it('refuses a SIEM whose certificate is not from the pinned CA, keeping the messages', async () => {
    const server = await rsyslog();
    const logs: LogLine[] = [];
    const other = await createCertificateAuthority(Date.now());
    const forward = forwarder(server, logs, other.certPem);
    forward.send([formatAuditEntry(entry(0), { hostname: HOSTNAME })]);

    await expect(forward.flush({ timeoutMs: 500 })).rejects.toThrow(/timed out/);
    expect(forward.pending).toBe(1);
    expect(await server.readMessages()).toEqual([]);
    expect(logs.some((line) => JSON.stringify(line.obj).includes('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toBe(true);
    await expect(forward.close({ timeoutMs: 100 })).rejects.toThrow(/1 messages not yet delivered/);
  });
});
