/**
 * Exactly one instance forwards to the SIEM: the holder of the forwarding lease, in a numbered
 * term. Of instances that start at once one wins; an expired lease passes to another in a later
 * term; and the cursor moves only for the current term, checked under the lease row's lock, so a
 * forwarder that stalled past its lease (a GC pause) and then reports a delivery moves nothing,
 * and its successor sends from where the cursor truly is. Lease expiry is simulated by moving
 * `expires_at` into the past (the database's clock is the lease's clock), never by sleeping.
 */
import { describe, expect, it } from 'vitest';
import { appendBatch } from '../../../server/audit/audit-intake';
import { loadAuditSigningKey } from '../../../server/audit/audit-signing-key';
import { createAuditTree } from '../../../server/audit/audit-tree';
import { committedTreeSize } from '../../../server/audit/audit-head-store';
import type { Database } from '../../../server/db/database';
import { advanceSiemCursor, readSiemCursor } from '../../../server/siem/siem-cursor-store';
import { holdsLease, releaseLease, renewLease, takeLease } from '../../../server/siem/siem-lease-store';
import { startSiemForwarding } from '../../../server/siem/siem-forwarding';
import { startLeadership, type Leadership } from '../../../server/siem/siem-leadership';
import { startSiemRelay } from '../../../server/siem/siem-relay';
import type { SyslogForwarder } from '../../../server/siem/syslog-forwarder';
import { chainRecords, chainStart, pointAfter } from '../../support/audit-batches';
import { usePostgres } from '../../support/postgres';
import { BACKENDS } from '../../support/server-fixtures';
import { useTestDatabases } from '../../support/test-databases';

const postgres = usePostgres();
const open = useTestDatabases(postgres);

const HOLDERS = [
  '0f9e8d7c-6b5a-4948-8372-615049382716',
  '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f',
  '4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f80',
];
const [A, B] = HOLDERS as [string, string];
const DEVICE = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
const TTL_MS = 60_000;

/** The lease's end moved into the past in the database's clock: what the passing of its time does. */
const expire = (db: Database) => db.query('UPDATE siem_forwarder_lease SET expires_at = 0 WHERE id = 1');

/** A few records, batches and heads in the trail, as an instance's intake stores them. */
async function seedTrail(db: Database): Promise<number> {
  const tree = createAuditTree(await loadAuditSigningKey(db));
  let point = chainStart();
  for (let batch = 0; batch < 3; batch += 1) {
    const fresh = await chainRecords(DEVICE, point, [{}, { action: 'session.locked' }]);
    await db.transaction((tx) =>
      appendBatch(tx, tree, {
        workstationId: DEVICE,
        fresh,
        signed: {
          firstSeq: point.seq + 1,
          lastSeq: point.seq + fresh.length,
          previousHash: fresh[0]?.previousHash ?? '',
          lastHash: fresh.at(-1)?.hash ?? '',
          signature: 'c2lnbmF0dXJl',
          devicePublicKey: 'ZGV2aWNla2V5',
        },
        now: Date.UTC(2026, 2, 14) + batch,
      }),
    );
    point = pointAfter(fresh);
  }
  return committedTreeSize(db);
}

/** A forwarder whose deliveries the test decides: what a stalled process's socket looks like from inside. */
function heldForwarder() {
  const sent: string[] = [];
  let delivered = 0;
  let abandoned = false;
  let firstSend: () => void = () => undefined;
  const sending = new Promise<void>((resolve) => (firstSend = resolve));
  const waiters: { through: number; resolve: () => void }[] = [];
  const forwarder: SyslogForwarder = {
    send(messages) {
      sent.push(...messages);
      firstSend();
      return sent.length;
    },
    flush({ through = sent.length, timeoutMs = 10 } = {}) {
      if (delivered >= through) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const waiter = { through, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error('not yet delivered'));
        }, timeoutMs);
      });
    },
    close: () => Promise.resolve(),
    abandon: () => (abandoned = true),
    get pending() {
      return sent.length - delivered;
    },
    get delivered() {
      return delivered;
    },
  };
  return {
    forwarder,
    sent,
    sending,
    abandoned: () => abandoned,
    deliverAll() {
      delivered = sent.length;
      for (const waiter of waiters.splice(0)) waiter.resolve();
    },
  };
}

/** In-process, but the database answers asynchronously: poll with a deadline. */
async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(BACKENDS)('the SIEM forwarding lease (%s)', (backend) => {
  it('goes to exactly one of the instances that start at once', async () => {
    const db = await open(backend);
    const url = backend === 'postgres' ? await postgres().createDatabase() : undefined;
    // On PostgreSQL each instance has its own connection pool, as separate processes would.
    const instances =
      url === undefined ? HOLDERS.map(() => db) : await Promise.all(HOLDERS.map(() => open(backend, url)));
    const taken = await Promise.all(HOLDERS.map((holder, i) => takeLease(instances[i]!, holder, TTL_MS, false)));
    expect(taken.filter((term) => term !== null)).toHaveLength(1);
    const winner = taken.find((term) => term !== null)!;
    expect(winner.epoch).toBe(1);
    // Later attempts fail too while it lives; its holder renews it.
    expect(await takeLease(instances[0]!, HOLDERS[0]!, TTL_MS, false)).toBeNull();
    expect(await renewLease(instances[0]!, winner, TTL_MS)).toBe(true);
  });

  it('passes, once expired, to another instance in a later term; the old term can neither renew nor move the cursor', async () => {
    const db = await open(backend);
    const first = (await takeLease(db, A, TTL_MS, false))!;
    expect(await readSiemCursor(db)).toBe(0);
    expect(await advanceSiemCursor(db, first, 3)).toBe(true);
    expect(await takeLease(db, B, TTL_MS, false)).toBeNull();

    await expire(db);
    // Expired: not even its holder moves the cursor, though nobody has taken over yet.
    expect(await advanceSiemCursor(db, first, 5)).toBe(false);
    const second = (await takeLease(db, B, TTL_MS, false))!;
    expect(second).toEqual({ holder: B, epoch: first.epoch + 1 });
    expect(await renewLease(db, first, TTL_MS)).toBe(false);
    expect(await advanceSiemCursor(db, first, 9)).toBe(false);
    expect(await readSiemCursor(db)).toBe(3);
    // The old term's release lets nothing go: it is not the holder.
    await releaseLease(db, first);
    expect(await takeLease(db, A, TTL_MS, false)).toBeNull();
    expect(await advanceSiemCursor(db, second, 4)).toBe(true);
    // Never backwards.
    expect(await advanceSiemCursor(db, second, 2)).toBe(true);
    expect(await readSiemCursor(db)).toBe(4);
    // A clean stop hands it over at once.
    await releaseLease(db, second);
    expect(await takeLease(db, A, TTL_MS, false)).toEqual({ holder: A, epoch: second.epoch + 1 });
  });

  it('fences a forwarder that stalled past its lease: its late delivery moves nothing, and the successor resends from the cursor', async () => {
    const db = await open(backend);
    const size = await seedTrail(db);
    const stalled = heldForwarder();
    const first = (await takeLease(db, A, TTL_MS, false))!;
    let fenced = false;
    const relay = startSiemRelay({
      db,
      forwarder: stalled.forwarder,
      term: first,
      flushTimeoutMs: 20,
      onFenced: () => (fenced = true),
    });
    await stalled.sending;
    expect(stalled.sent.length).toBeGreaterThan(0);

    // It stalls past its lease; another instance takes over.
    await expire(db);
    const second = (await takeLease(db, B, TTL_MS, false))!;
    // It wakes and its socket reports the delivery: the cursor's fence refuses the move.
    stalled.deliverAll();
    await until('the stalled relay to be fenced', () => fenced);
    expect(stalled.abandoned()).toBe(true);
    expect(await readSiemCursor(db)).toBe(0);
    await relay.close();
    expect(await readSiemCursor(db)).toBe(0);

    const successor = heldForwarder();
    const next = startSiemRelay({ db, forwarder: successor.forwarder, term: second, flushTimeoutMs: 20 });
    await successor.sending;
    await until('the successor to send the whole trail', () => successor.sent.length >= stalled.sent.length);
    // Nothing lost: the same messages again (the SIEM keeps one of each by tree index and hash).
    expect(successor.sent).toEqual(stalled.sent);
    successor.deliverAll();
    await until('the cursor to reach the end', async () => (await readSiemCursor(db)) === size);
    await next.close();
  });
});

/** The database as one instance sees it, with its connection cut at will. */
function cuttable(db: Database): { db: Database; cut(on: boolean): void } {
  let cut = false;
  const refuse = () => Promise.reject(new Error('connection terminated'));
  return {
    cut: (on) => (cut = on),
    db: {
      kind: db.kind,
      query: (sql, params) => (cut ? refuse() : db.query(sql, params)),
      transaction: (work) => (cut ? refuse() : db.transaction(work)),
      listen: (channel, handler) => db.listen(channel, handler),
      close: () => Promise.resolve(),
    },
  };
}

describe.each(BACKENDS)('forwarding leadership (%s)', (backend) => {
  it('steps down once its lease runs out when it cannot reach the database to renew it', async () => {
    const db = await open(backend);
    const link = cuttable(db);
    const events: string[] = [];
    const leadership: Leadership = startLeadership({
      db: link.db,
      holder: A,
      ttlMs: 1_000,
      soleInstance: false,
      onElected: () => events.push('elected'),
      onDeposed: () => events.push('deposed'),
    });
    await until('an election', () => events.includes('elected'));
    expect(leadership.live()).toBe(true);
    link.cut(true);
    // Its own clock says the lease is over: it stops forwarding without an answer from anyone.
    await until('it to step down', () => events.includes('deposed'), 10_000);
    expect(leadership.live()).toBe(false);
    expect(leadership.term).toBeNull();
    // Meanwhile the lease expired in the database's clock too, and another instance takes it.
    await until('another instance to take the lease', async () => (await takeLease(db, B, TTL_MS, false)) !== null);
    link.cut(false);
    await leadership.close();
  });
});

describe('the SIEM forwarding lease on PostgreSQL', () => {
  it('passes from an instance that stops cleanly to another at once, not a lease time later', async () => {
    const url = await postgres().createDatabase();
    const forwarders: ReturnType<typeof heldForwarder>[] = [];
    const instance = async () =>
      startSiemForwarding({
        db: await open('postgres', url),
        leaseMs: TTL_MS,
        connect: () => {
          const held = heldForwarder();
          forwarders.push(held);
          return held.forwarder;
        },
      });
    const first = await instance();
    await until('the first instance to forward', () => first.forwarding);
    const second = await instance();
    expect(second.forwarding).toBe(false);
    await first.close();
    // Far sooner than the lease's minute, or its third: the release is announced.
    await until('the second instance to forward', () => second.forwarding, 10_000);
    expect(forwarders).toHaveLength(2);
    await second.close();
  });

  it('makes a takeover wait for a cursor move in progress, so the new holder reads the moved cursor', async () => {
    const url = await postgres().createDatabase();
    const [leader, successor, observer] = [
      await open('postgres', url),
      await open('postgres', url),
      await open('postgres', url),
    ];
    await readSiemCursor(leader);
    const first = (await takeLease(leader, A, 1_000, false))!;
    let takeover: Promise<unknown> | undefined;
    await leader.transaction(async (tx) => {
      expect(await holdsLease(tx, first)).toBe(true);
      // The lease runs out (in the database's clock) while the move is under way.
      await until(
        'the lease to expire',
        async () =>
          (
            await observer.query<{ expired: boolean }>(
              `SELECT expires_at <= (extract(epoch from clock_timestamp()) * 1000)::bigint AS expired FROM siem_forwarder_lease`,
            )
          )[0]?.expired === true,
      );
      takeover = takeLease(successor, B, TTL_MS, false);
      // The takeover is waiting for the lease row, which this transaction holds.
      await until(
        'the takeover to wait on the lease row',
        async () =>
          Number(
            (
              await observer.query<{ waiting: number | string }>(
                `SELECT count(*) AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
              )
            )[0]?.waiting,
          ) === 1,
      );
      await tx.query('UPDATE siem_cursor SET next_index = 7 WHERE id = 1');
    });
    expect(await takeover).toEqual({ holder: B, epoch: first.epoch + 1 });
    expect(await readSiemCursor(successor)).toBe(7);
    expect(await advanceSiemCursor(leader, first, 8)).toBe(false);
  });
});
