/**
 * Several server instances on one PostgreSQL forward the audit trail to the SIEM once between
 * them, not once each. Instance A (`npm run server` in its own process, with a client certificate
 * for an rsyslog that requires one) and instance B (in this process) share a database; records
 * appended through B reach the SIEM through A, the forwarder. A is then killed outright (SIGKILL:
 * no clean stop, its lease is not released); B takes over once the lease expires and forwards what
 * was appended meanwhile. The rsyslog receiver's file then holds every record, batch and head
 * of the trail exactly once.
 *
 * A is killed once forwarding has caught up (the cursor at the tree's size), so "exactly once" is
 * the claim: a forwarder killed with deliveries unconfirmed is followed by at-least-once resends,
 * which forwarding-lease.test.ts covers.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFromSyslog } from '../../../shared/node/syslog/audit-syslog';
import { startServer, type RunningServer } from '../../../server/server';
import { account } from '../../support/messaging-server';
import { usePostgres } from '../../support/postgres';
import { type RsyslogServer, startRsyslog } from '../../support/rsyslog';
import { startServerProcess, type ServerProcess } from '../../support/server-cli';

const postgres = usePostgres();
const PEER = 'wardline.hospital.example';
const PEN = 54_321;
const LEASE_SECONDS = 2;
const people = [
  account('nurse.okoro', 'nurse', 'Ada Okoro', 'Ward 7', 'Staff Nurse'),
  account('dr.mensah', 'physician', 'Kofi Mensah', 'Cardiology', 'Consultant'),
  account('nurse.ito', 'nurse', 'Yui Ito', 'Ward 2', 'Staff Nurse'),
];

let rsyslog: RsyslogServer;
let databaseUrl: string;
let client: pg.Client;
let leader: ServerProcess | undefined;
let follower: RunningServer | undefined;
const folder = mkdtempSync(path.join(os.tmpdir(), 'wardline-two-instances-'));

beforeAll(async () => {
  rsyslog = await startRsyslog({ clientAuth: { mode: 'x509/name', permittedPeers: [PEER] } });
  databaseUrl = await postgres().createDatabase();
  client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
}, 60_000);

afterAll(async () => {
  await leader?.kill();
  await follower?.close();
  await client.end();
  await rsyslog.stop();
  rmSync(folder, { recursive: true, force: true });
}, 60_000);

async function one<T extends pg.QueryResultRow>(sql: string): Promise<T | undefined> {
  return (await client.query<T>(sql)).rows[0];
}

const lease = () => one<{ holder: string; epoch: string }>('SELECT holder, epoch FROM siem_forwarder_lease');
const caughtUp = async () => {
  const row = await one<{ cursor: string | null; size: string | null }>(
    `SELECT (SELECT next_index FROM siem_cursor) AS cursor, (SELECT max(tree_size) FROM audit_tree_heads) AS size`,
  );
  return row?.cursor !== null && row?.cursor === row?.size;
};

/** The server and rsyslog are other processes: poll with a deadline. */
async function until(what: string, done: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** What the SIEM received, by what each line is: every key must appear exactly once. */
async function siemCopy(): Promise<{ keys: string[]; lines: string[] }> {
  const lines = await rsyslog.readMessages();
  const keys = lines.map((line) => {
    const read = auditFromSyslog(line);
    if (!read.ok) throw new Error(`the SIEM holds a line that does not read back: ${read.error}`);
    const value = read.value;
    return value.kind === 'entry'
      ? `entry ${String(value.entry.treeIndex)}`
      : value.kind === 'tree-head'
        ? `head ${String(value.head.treeSize)}`
        : `batch ${value.batch.workstationId} ${String(value.batch.lastSeq)}`;
  });
  return { keys, lines };
}

/** Everything the database holds is at the SIEM. */
async function siemHasTheTrail(): Promise<boolean> {
  const size = Number(
    (await one<{ size: string | null }>('SELECT max(tree_size) AS size FROM audit_tree_heads'))?.size,
  );
  const heads = (await client.query<{ tree_size: string }>('SELECT tree_size FROM audit_tree_heads')).rows;
  const { keys } = await siemCopy();
  const have = new Set(keys);
  return (
    Array.from({ length: size }, (_, index) => `entry ${String(index)}`).every((key) => have.has(key)) &&
    heads.every((head) => have.has(`head ${head.tree_size}`))
  );
}

describe('two server instances on one PostgreSQL', () => {
  it('forward each record once between them, and the survivor takes over from a leader that was killed', async () => {
    const identity = await rsyslog.clientCertificate(PEER);
    const file = (name: string, text: string) => {
      const at = path.join(folder, name);
      writeFileSync(at, text);
      chmodSync(at, 0o600);
      return at;
    };
    const siemFlags = [
      '--siem-host',
      rsyslog.host,
      '--siem-port',
      String(rsyslog.port),
      '--siem-ca',
      file('siem-ca.pem', rsyslog.caPem),
      '--siem-cert',
      file('wardline.pem', identity.certPem),
      '--siem-key',
      file('wardline.key', identity.keyPem),
      '--siem-enterprise-number',
      String(PEN),
      '--siem-lease-seconds',
      String(LEASE_SECONDS),
    ];
    leader = await startServerProcess(
      ['--data', mkdtempSync(path.join(folder, 'a-')), '--port', '0', '--database-url', databaseUrl, ...siemFlags],
      { WARDLINE_SERVER_LOG_LEVEL: 'warn' },
    );
    await until('the first instance to take the lease', async () => (await lease()) !== undefined);
    const term = await lease();

    const logs: string[] = [];
    follower = await startServer({
      dataDir: mkdtempSync(path.join(folder, 'b-')),
      port: 0,
      databaseUrl,
      log: {
        level: 'warn',
        destination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            logs.push(chunk.toString('utf8'));
            done();
          },
        }),
      },
      siem: {
        host: rsyslog.host,
        port: rsyslog.port,
        caPem: rsyslog.caPem,
        clientCertificate: identity,
        enterpriseNumber: PEN,
        leaseMs: LEASE_SECONDS * 1000,
      },
    });
    // Appended through the instance that does not forward: the forwarder hears of it.
    await follower.admin.createAccount(people[0]!);
    await follower.admin.createAccount(people[1]!);
    await until('the SIEM to hold the trail', siemHasTheTrail);
    await until('forwarding to catch up', caughtUp);
    expect(await lease()).toEqual(term);

    // The leader dies without a word; records keep arriving at the other instance.
    await leader.kill();
    await follower.admin.createAccount(people[2]!);
    await follower.admin.revokeSessions(people[0]!.userId);
    await until('the survivor to take the lease', async () => (await lease())?.holder !== term?.holder, 30_000);
    expect(Number((await lease())?.epoch)).toBe(Number(term?.epoch) + 1);
    await until('the SIEM to hold the whole trail', siemHasTheTrail);
    await until('forwarding to catch up', caughtUp);

    const { keys, lines } = await siemCopy();
    const twice = keys.filter((key, index) => keys.indexOf(key) !== index);
    expect(twice).toEqual([]);
    expect(lines.every((line) => line.includes(`@${String(PEN)} `))).toBe(true);
    expect(keys.filter((key) => key.startsWith('entry ')).length).toBeGreaterThan(0);
    // The survivor logs nothing about forwarding but the lease it took (no refusals, no waits).
    const forwarding = logs
      .map((line) => JSON.parse(line) as { event?: string })
      .filter((line) => line.event?.startsWith('siem.'));
    expect(forwarding.filter((line) => line.event !== 'siem.lease-lost')).toEqual([]);
  }, 180_000);
});
