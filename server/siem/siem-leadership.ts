/**
 * Exactly one server instance forwards the audit trail to the SIEM at a time: the holder of the
 * forwarding lease (siem-lease-store.ts). Every instance tries to take it; the holder renews it
 * every third of its time to live, and an instance that dies stops renewing, so another takes
 * over once it expires: within `ttlMs` plus a third of it. A clean stop releases it and says so
 * (`SIEM_LEASE_CHANNEL`), and the others try at once (`attempt()`).
 *
 * The holder also keeps its own, conservative idea of when the lease ends (the local monotonic
 * time at which the renewal was *sent*, plus the time to live), and steps down at that moment if
 * no renewal succeeded, whether or not the database answered. A holder that was frozen past that
 * moment (a long GC pause) may still write what it had in hand when it wakes; the cursor's fence
 * (siem-cursor-store.ts) keeps that from moving forwarding state it no longer owns, and the SIEM
 * removes such a duplicate by its tree index and hash.
 *
 * Logs carry an event name and an error code only.
 */
import { performance } from 'node:perf_hooks';
import type { Database } from '../db/database';
import { faultOf } from '../logging/fault';
import { releaseLease, renewLease, takeLease, type LeaseTerm } from './siem-lease-store';

export interface LeadershipDeps {
  readonly db: Database;
  /** This instance, as the lease names it. */
  readonly holder: string;
  readonly ttlMs: number;
  /** The embedded database: one process opens it, so an unexpired lease is a crashed predecessor's. */
  readonly soleInstance: boolean;
  /** This instance now forwards, in `term`. */
  onElected(term: LeaseTerm): void;
  /** This instance must stop forwarding at once: its lease is, or may be, someone else's. */
  onDeposed(): void;
  /** Every renewal while forwarding: a chance to pick up what a missed notification did not announce. */
  onRenewed?(): void;
  readonly logger?: { warn(obj: object, msg: string): void };
  /** Local monotonic milliseconds (tests may move it). */
  readonly now?: () => number;
}

export interface Leadership {
  /** The term this instance forwards in, or null. */
  readonly term: LeaseTerm | null;
  /** Whether the lease is, as far as this instance can tell, still its own. */
  live(): boolean;
  /** Forget the term at once (the cursor's fence said it is over); the next attempt tries anew. */
  stepDown(): void;
  /** Try to take the lease now rather than at the next period (its holder just released it). */
  attempt(): void;
  /** Stops trying, and releases the lease if held, so another instance takes over at once. */
  close(): Promise<void>;
}

export function startLeadership(deps: LeadershipDeps): Leadership {
  const now = deps.now ?? (() => performance.now());
  const period = Math.max(1, Math.floor(deps.ttlMs / 3));
  const warn = (event: string, fields: object = {}) => deps.logger?.warn({ event, ...fields }, 'siem forwarding');

  let term: LeaseTerm | null = null;
  /** Read through a call: the flow analysis does not see other callbacks change it across an await. */
  const current = () => term;
  /** Local time by which the lease is surely over unless renewed. */
  let until = 0;
  let tickTimer: NodeJS.Timeout | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let ticking: Promise<void> | undefined;

  const depose = () => {
    if (term === null) return;
    term = null;
    clearTimeout(expiryTimer);
    expiryTimer = undefined;
    deps.onDeposed();
  };

  /** Steps down at `until` unless a renewal moved it meanwhile; a timer that fires early waits again. */
  const watchExpiry = () => {
    clearTimeout(expiryTimer);
    expiryTimer = setTimeout(
      () => {
        expiryTimer = undefined;
        if (term === null) return;
        if (now() < until) {
          watchExpiry();
          return;
        }
        warn('siem.lease-expired', { code: 'SIEM_LEASE_EXPIRED' });
        depose();
      },
      Math.max(1, Math.ceil(until - now())),
    );
    expiryTimer.unref();
  };

  const holdUntil = (sentAt: number) => {
    until = sentAt + deps.ttlMs;
    watchExpiry();
  };

  const tick = async () => {
    const sentAt = now();
    try {
      const held = term;
      if (held !== null) {
        if (await renewLease(deps.db, held, deps.ttlMs)) {
          // Stepped down or closed while the renewal was on its way: it renewed nothing of ours.
          if (closed || current() !== held) return;
          holdUntil(sentAt);
          deps.onRenewed?.();
          return;
        }
        warn('siem.lease-lost', { code: 'SIEM_LEASE_LOST' });
        depose();
      }
      const taken = await takeLease(deps.db, deps.holder, deps.ttlMs, deps.soleInstance);
      if (taken === null) return;
      if (closed) {
        await releaseLease(deps.db, taken);
        return;
      }
      term = taken;
      holdUntil(sentAt);
      deps.onElected(taken);
    } catch (error) {
      // The database is away: the expiry timer steps down if this lasts past the lease.
      warn('siem.lease-failed', { code: faultOf(error) });
    }
  };

  /** Another attempt asked for while one runs: made as soon as it ends. */
  let soon = false;

  const run = () => {
    ticking = tick().finally(() => {
      ticking = undefined;
      if (soon && !closed) {
        soon = false;
        run();
      } else schedule();
    });
  };

  const schedule = () => {
    if (closed) return;
    tickTimer = setTimeout(() => {
      tickTimer = undefined;
      run();
    }, period);
    tickTimer.unref();
  };

  run();

  return {
    get term() {
      return term;
    },
    live: () => term !== null && now() < until,
    stepDown: depose,
    attempt() {
      if (closed || term !== null) return;
      if (ticking !== undefined) {
        soon = true;
        return;
      }
      clearTimeout(tickTimer);
      tickTimer = undefined;
      run();
    },
    async close() {
      closed = true;
      clearTimeout(tickTimer);
      tickTimer = undefined;
      await ticking;
      clearTimeout(expiryTimer);
      const held = term;
      term = null;
      if (held !== null) await releaseLease(deps.db, held).catch(() => undefined);
    },
  };
}
