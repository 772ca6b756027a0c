/**
 * One message retention run: envelopes accepted before their bound (message-retention.ts) are
 * deleted a batch per transaction, and the run is recorded on the server's audit chain as admin
 * events: how many envelopes and attachment blobs went, the bound in days and its cutoff; never
 * a message id or anything of a message. A run that fails midway records what it had done and
 * its code, then throws MessageRetentionError with the same.
 *
 * Bounds: the organisation's for every envelope but those whose signed header names a role
 * address with a bound of its own (IT's, read when the run begins), which go by that address's.
 * One pass for the organisation's, then one per such address, each walking only its own
 * envelopes. The organisation's record says how many addresses had their own bound; each
 * address whose pass deleted something has a record of its own, naming it (ids, not PHI), so
 * the chain stays small however many addresses there are.
 *
 * One run at a time across every instance on the database: a run first takes the lease
 * (message-retention-store.ts), renews it between batches and passes and stops if it lost it. A
 * scheduled run (the server's hourly timer) goes ahead only if no run finished within the day; a
 * run asked for by IT goes ahead whenever no other run holds the job, and a refusal is recorded too.
 *
 * Deleting is all the database's: a legal hold's trigger keeps what it covers, and only what the
 * DELETE returned is counted, so a hold placed between two batches keeps what it covers from
 * the next batch on.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Database, Queryable } from '../db/database';
import { recordAdminEvent } from '../admin/admin-event-store';
import { checkedActor, SERVER_ITSELF } from '../admin/admin-events';
import {
  lastRunDueBy,
  RETENTION_BATCH_SIZE,
  retentionBound,
  type RetentionBound,
  type RetentionCursor,
  type RetentionScope,
} from './message-retention';
import {
  deleteRetentionBatch,
  releaseRetentionLease,
  renewRetentionLease,
  retentionRunDue,
  roleRetentionBounds,
  takeRetentionLease,
} from './message-retention-store';

/** Long enough for a batch many times over; a crashed run's hold on the job ends by itself. */
const LEASE_TTL_MS = 5 * 60 * 1000;

export interface MessageRetentionDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** The organisation's bound (server option `messageRetentionDays`), already checked. */
  readonly days: number;
  readonly batchSize?: number;
  readonly leaseTtlMs?: number;
  /** Called between batches while more may be due (tests place a hold or start a rival run here). */
  readonly betweenBatches?: (done: RetentionTotals) => Promise<void>;
}

export interface RetentionTotals {
  readonly envelopes: number;
  readonly blobs: number;
  readonly batches: number;
}

/** What a role address's own bound deleted in a run. */
export type RoleAddressRetention = { readonly addressId: string } & RetentionBound & Omit<RetentionTotals, 'batches'>;

export type RetentionRun =
  | ({
      readonly status: 'ran';
      /** The organisation's bound; the totals are of the whole run. */
      readonly days: number;
      readonly acceptedBefore: number;
      /** Each role address with a bound of its own, by id, and what its bound deleted. */
      readonly roleAddresses: readonly RoleAddressRetention[];
    } & RetentionTotals)
  /** A scheduled run, and a run finished within the day. */
  | { readonly status: 'not-due' }
  /** Another run (here or on another instance) holds the job. */
  | { readonly status: 'busy' };

export type RetentionFailureCode = 'MESSAGE_RETENTION_FAILED' | 'MESSAGE_RETENTION_LEASE_LOST';

/** A run that stopped: its code, and what it had deleted (committed batches stay deleted). */
export class MessageRetentionError extends Error {
  constructor(
    readonly code: RetentionFailureCode,
    readonly done: RetentionTotals,
    options?: ErrorOptions,
  ) {
    super(`Message retention stopped (${code}).`, options);
    this.name = 'MessageRetentionError';
  }
}

class LeaseLost extends Error {}

/** One pass: its scope, its bound, and what it deleted so far. */
interface Pass {
  readonly scope: RetentionScope;
  readonly bound: RetentionBound;
  envelopes: number;
  blobs: number;
}

const sum = (passes: readonly Pass[], batches: number): RetentionTotals => ({
  envelopes: passes.reduce((n, pass) => n + pass.envelopes, 0),
  blobs: passes.reduce((n, pass) => n + pass.blobs, 0),
  batches,
});

/**
 * Runs retention now. `actor`: the IT admin who asked, or null for the server's own schedule
 * (which the trail then names no one for). `scheduled`: only if due.
 */
export async function runMessageRetention(
  deps: MessageRetentionDeps,
  request: { readonly actor: string | null; readonly scheduled: boolean },
): Promise<RetentionRun> {
  const actor = request.actor === null ? SERVER_ITSELF : checkedActor(request.actor);
  const ttlMs = deps.leaseTtlMs ?? LEASE_TTL_MS;
  const limit = deps.batchSize ?? RETENTION_BATCH_SIZE;
  const now = deps.clock();
  const organisation: Pass = {
    scope: { kind: 'organisation' },
    bound: retentionBound(deps.days, now),
    envelopes: 0,
    blobs: 0,
  };
  const passes: Pass[] = [organisation];
  const holder = randomUUID();
  const dueBy = request.scheduled ? lastRunDueBy(now) : null;
  let batches = 0;
  /** Whether the addresses' own bounds were read: until then the record cannot say how many there are. */
  let boundsRead = false;
  /** The organisation's record, and one for each address whose bound deleted something. */
  const record = async (tx: Queryable, outcome: { reason: string } | null) => {
    const said = {
      actor,
      action: 'message-retention.ran' as const,
      targetUserId: null,
      ...(outcome === null ? {} : { outcome: 'failure' as const, reason: outcome.reason }),
    };
    const of = (pass: Pass) => ({
      affected: pass.envelopes,
      receivedBefore: pass.bound.acceptedBefore,
      retentionDays: pass.bound.days,
      blobsAffected: pass.blobs,
    });
    await recordAdminEvent(tx, {
      at: deps.clock(),
      ...said,
      ...of(organisation),
      roleAddressBounds: boundsRead ? passes.length - 1 : null,
    });
    for (const pass of passes)
      if (pass.scope.kind === 'role-address' && pass.envelopes + pass.blobs > 0)
        await recordAdminEvent(tx, { at: deps.clock(), ...said, ...of(pass), subject: pass.scope.addressId });
  };
  const inTransaction = (work: (tx: Queryable) => Promise<void>) => deps.db.transaction(work);

  let took: boolean;
  try {
    took = await takeRetentionLease(deps.db, { holder, ttlMs, lastCompletedBy: dueBy });
  } catch (error) {
    await inTransaction((tx) => record(tx, { reason: 'MESSAGE_RETENTION_FAILED' })).catch(() => undefined);
    throw new MessageRetentionError('MESSAGE_RETENTION_FAILED', sum(passes, batches), { cause: error });
  }
  if (!took) {
    if (dueBy !== null) return (await retentionRunDue(deps.db, dueBy)) ? { status: 'busy' } : { status: 'not-due' };
    // IT asked and was refused: recorded, deleting nothing and naming no bound.
    await recordAdminEvent(deps.db, {
      at: deps.clock(),
      actor,
      action: 'message-retention.ran',
      targetUserId: null,
      outcome: 'failure',
      reason: 'MESSAGE_RETENTION_BUSY',
    });
    return { status: 'busy' };
  }

  try {
    for (const own of await roleRetentionBounds(deps.db))
      passes.push({
        scope: { kind: 'role-address', addressId: own.addressId },
        bound: retentionBound(own.days, now),
        envelopes: 0,
        blobs: 0,
      });
    boundsRead = true;
    for (const [index, pass] of passes.entries()) {
      let after: RetentionCursor | null = null;
      for (;;) {
        const batch = await deps.db.transaction((tx) =>
          deleteRetentionBatch(tx, {
            scope: pass.scope,
            acceptedBefore: pass.bound.acceptedBefore,
            after,
            limit,
            now,
            organisationDays: deps.days,
          }),
        );
        pass.envelopes += batch.envelopes;
        pass.blobs += batch.blobs;
        batches += 1;
        if (batch.next === null) break;
        after = batch.next;
        await deps.betweenBatches?.(sum(passes, batches));
        if (!(await renewRetentionLease(deps.db, holder, ttlMs))) throw new LeaseLost();
      }
      if (index < passes.length - 1 && !(await renewRetentionLease(deps.db, holder, ttlMs))) throw new LeaseLost();
    }
    await inTransaction(async (tx) => {
      await record(tx, null);
      await releaseRetentionLease(tx, holder, now);
    });
  } catch (error) {
    const code = error instanceof LeaseLost ? 'MESSAGE_RETENTION_LEASE_LOST' : 'MESSAGE_RETENTION_FAILED';
    await inTransaction((tx) => record(tx, { reason: code })).catch(() => undefined);
    await releaseRetentionLease(deps.db, holder, null).catch(() => undefined);
    throw new MessageRetentionError(code, sum(passes, batches), { cause: error });
  }
  return {
    status: 'ran',
    days: organisation.bound.days,
    acceptedBefore: organisation.bound.acceptedBefore,
    ...sum(passes, batches),
    roleAddresses: passes.flatMap((pass) =>
      pass.scope.kind === 'role-address'
        ? [{ addressId: pass.scope.addressId, ...pass.bound, envelopes: pass.envelopes, blobs: pass.blobs }]
        : [],
    ),
  };
}
