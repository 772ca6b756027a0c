/**
 * SIEM forwarding for one server instance: it takes part in the forwarding lease
 * (siem-leadership.ts) and, while it holds it, runs a relay (siem-relay.ts) with a forwarder of
 * its own, made fresh for each term so nothing a deposed term queued is ever written. Several
 * instances on one PostgreSQL therefore send each record once between them, not once each; with
 * the embedded database the one instance simply forwards.
 *
 * Any instance may append to the trail. The holder hears of its own appends directly and of the
 * others' through a notification (`SIEM_WAKE_CHANNEL`), and looks again at every renewal in case
 * one was missed.
 */
import { randomUUID } from 'node:crypto';
import { notify, type Database } from '../db/database';
import { SIEM_LEASE_CHANNEL, SIEM_WAKE_CHANNEL } from '../events/channels';
import { startLeadership } from './siem-leadership';
import { startSiemRelay, type SiemRelay, type SiemRelayDeps } from './siem-relay';
import type { SyslogForwarder } from './syslog-forwarder';

export interface SiemForwardingDeps {
  readonly db: Database;
  /** A new forwarder (a connection of its own) for a new term. */
  readonly connect: () => SyslogForwarder;
  /** How long the lease lasts without renewal: how soon another instance takes over from one that died. */
  readonly leaseMs: number;
  readonly auditKey?: string;
  readonly enterpriseNumber?: number;
  readonly logger?: { warn(obj: object, msg: string): void };
  /** Relay tuning (tests). */
  readonly relay?: Pick<SiemRelayDeps, 'pageSize' | 'maxUndelivered' | 'flushTimeoutMs' | 'retryMs'>;
}

export interface SiemForwarding {
  /** The trail grew: forward it if this instance is the forwarder, else tell the one that is. Never throws. */
  wake(): void;
  /** Whether this instance forwards now. */
  readonly forwarding: boolean;
  /** Stops forwarding (delivering what it can for a moment) and hands the lease over at once. */
  close(): Promise<void>;
}

export async function startSiemForwarding(deps: SiemForwardingDeps): Promise<SiemForwarding> {
  const { db } = deps;
  let relay: SiemRelay | undefined;
  let closed = false;

  const stopListening = await db.listen(SIEM_WAKE_CHANNEL, () => relay?.wake());
  // A release heard before the leadership exists (just below) needs no answer: it tries at once anyway.
  let attempt: () => void = () => undefined;
  const stopListeningForRelease = await db.listen(SIEM_LEASE_CHANNEL, () => attempt());

  const leadership = startLeadership({
    db,
    holder: randomUUID(),
    ttlMs: deps.leaseMs,
    soleInstance: db.kind === 'pglite',
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    onElected(term) {
      relay?.abandon();
      relay = startSiemRelay({
        db,
        term,
        forwarder: deps.connect(),
        mayForward: () => leadership.live(),
        onFenced: () => leadership.stepDown(),
        ...(deps.auditKey === undefined ? {} : { auditKey: deps.auditKey }),
        ...(deps.enterpriseNumber === undefined ? {} : { enterpriseNumber: deps.enterpriseNumber }),
        ...(deps.logger === undefined ? {} : { logger: deps.logger }),
        ...deps.relay,
      });
    },
    onDeposed() {
      relay?.abandon();
      relay = undefined;
    },
    onRenewed: () => relay?.wake(),
  });
  attempt = () => leadership.attempt();

  return {
    wake() {
      if (closed) return;
      if (relay !== undefined) relay.wake();
      else void notify(db, SIEM_WAKE_CHANNEL, '').catch(() => undefined);
    },
    get forwarding() {
      return relay !== undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      const current = relay;
      relay = undefined;
      // The relay moves the cursor while the lease is still held, then the lease is released.
      await current?.close();
      await leadership.close();
      await stopListening().catch(() => undefined);
      await stopListeningForRelease().catch(() => undefined);
    },
  };
}
