/**
 * SQL of message retention (migration 24): the lease that lets one run at a time hold the job
 * when several instances share PostgreSQL, and the batches that delete due envelopes.
 *
 * The lease's expiry is the database's clock (`clock_timestamp()`), the one clock every instance
 * shares; `last_completed_at` is the server's clock, as the bound is. Taking the lease is one
 * statement that succeeds only where nobody holds a live one (and, for a scheduled run, only
 * where no run finished within the day), so of two instances starting at once exactly one wins.
 *
 * A batch is chosen by a keyset cursor on (accepted_at, message_id), never "the oldest N again":
 * a legal hold's trigger on `envelopes` silently keeps rows it covers (the DELETE skips them), so
 * a batch may delete fewer than it chose, and choosing the oldest again would choose them forever.
 * Only rows the DELETE returns are counted; everything that refers to an envelope (recipients,
 * receipts, feed events, acknowledgements, escalation alerts, attachment blobs and their chunks)
 * goes with it by ON DELETE CASCADE.
 *
 * Role addresses (migration 26): the organisation's walk leaves out envelopes of an address with
 * a bound of its own, and each such address has its own walk on its own index. The DELETE itself
 * checks each envelope is due under the bound in force as it runs (its address's, else the
 * organisation's), so IT lengthening a bound while a run is under way never loses a message the
 * new bound keeps.
 */
import type { Queryable } from '../db/database';
import { DAY_MS, type RetentionCursor, type RetentionScope, type RoleRetentionBound } from './message-retention';

const DB_NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * Takes the lease for `ttlMs` as `holder` if nobody holds a live one; for a scheduled run also
 * only if the last run finished at or before `lastCompletedBy` (or none ever did). False if
 * another run holds the job (or the scheduled run is not due).
 */
export async function takeRetentionLease(
  db: Queryable,
  input: { holder: string; ttlMs: number; lastCompletedBy: number | null },
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO message_retention_lease AS lease (id, holder, expires_at)
     VALUES (1, $1, ${DB_NOW_MS} + $2)
     ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE lease.expires_at <= ${DB_NOW_MS}
         AND ($3::bigint IS NULL OR lease.last_completed_at IS NULL OR lease.last_completed_at <= $3::bigint)
     RETURNING holder`,
    [input.holder, input.ttlMs, input.lastCompletedBy],
  );
  return rows.length > 0;
}

/** Whether a scheduled run is due: the last run finished at or before `lastCompletedBy`, or none did. */
export async function retentionRunDue(db: Queryable, lastCompletedBy: number): Promise<boolean> {
  const rows = await db.query<{ last_completed_at: number | string | null }>(
    'SELECT last_completed_at FROM message_retention_lease WHERE id = 1',
  );
  const last = rows[0]?.last_completed_at ?? null;
  return last === null || Number(last) <= lastCompletedBy;
}

/** Extends the lease `holder` still holds; false if it expired and another run took it. */
export async function renewRetentionLease(db: Queryable, holder: string, ttlMs: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE message_retention_lease SET expires_at = ${DB_NOW_MS} + $2
     WHERE id = 1 AND holder = $1 RETURNING holder`,
    [holder, ttlMs],
  );
  return rows.length > 0;
}

/** Gives the job back at once; `completedAt` when the run finished, so the next scheduled one waits a day. */
export async function releaseRetentionLease(db: Queryable, holder: string, completedAt: number | null): Promise<void> {
  await db.query(
    `UPDATE message_retention_lease SET expires_at = 0, last_completed_at = COALESCE($2, last_completed_at)
     WHERE id = 1 AND holder = $1`,
    [holder, completedAt],
  );
}

/** What one batch did: how many it chose and deleted, and where the next one starts (null: nothing left). */
export interface RetentionBatch {
  readonly chosen: number;
  readonly envelopes: number;
  readonly blobs: number;
  readonly next: RetentionCursor | null;
}

/** The role addresses with a bound of their own, by id. */
export async function roleRetentionBounds(db: Queryable): Promise<RoleRetentionBound[]> {
  const rows = await db.query<{ address_id: string; retention_days: number | string }>(
    'SELECT address_id, retention_days FROM role_addresses WHERE retention_days IS NOT NULL ORDER BY address_id',
  );
  return rows.map((row) => ({ addressId: row.address_id, days: Number(row.retention_days) }));
}

/** A scope's envelopes accepted before $1, after the cursor ($2, $3), in walk order, at most $4 ($5: the address). */
const CHOOSE_ORGANISATION = `SELECT e.message_id, e.accepted_at FROM envelopes e
  WHERE e.accepted_at < $1 AND ($2::bigint IS NULL OR (e.accepted_at, e.message_id) > ($2::bigint, $3::uuid))
    AND (e.role_address IS NULL OR NOT EXISTS (
      SELECT 1 FROM role_addresses r WHERE r.address_id = e.role_address AND r.retention_days IS NOT NULL))
  ORDER BY e.accepted_at, e.message_id LIMIT $4`;
const CHOOSE_ROLE_ADDRESS = `SELECT e.message_id, e.accepted_at FROM envelopes e
  WHERE e.role_address = $5 AND e.accepted_at < $1
    AND ($2::bigint IS NULL OR (e.accepted_at, e.message_id) > ($2::bigint, $3::uuid))
  ORDER BY e.accepted_at, e.message_id LIMIT $4`;

/**
 * Deletes up to `limit` envelopes of `scope` accepted before `acceptedBefore`, after `after` in
 * (accepted_at, message_id) order, each only if still due at `now` under the bound in force for
 * it (`organisationDays` where its address has none). Run it in a transaction: the choice and the
 * delete see the same rows.
 */
export async function deleteRetentionBatch(
  tx: Queryable,
  input: {
    scope: RetentionScope;
    acceptedBefore: number;
    after: RetentionCursor | null;
    limit: number;
    now: number;
    organisationDays: number;
  },
): Promise<RetentionBatch> {
  const walk = [input.acceptedBefore, input.after?.acceptedAt ?? null, input.after?.messageId ?? null, input.limit];
  const [sql, params] =
    input.scope.kind === 'organisation'
      ? [CHOOSE_ORGANISATION, walk]
      : [CHOOSE_ROLE_ADDRESS, [...walk, input.scope.addressId]];
  const chosen = await tx.query<{ message_id: string; accepted_at: number | string }>(sql, params);
  const last = chosen.at(-1);
  if (last === undefined) return { chosen: 0, envelopes: 0, blobs: 0, next: null };
  // The blobs are counted in the snapshot before the delete (the cascade removes them), and only
  // for envelopes the delete returned: a held envelope keeps its blobs and counts for nothing.
  const [counts] = await tx.query<{ envelopes: number | string; blobs: number | string }>(
    `WITH gone AS (
       DELETE FROM envelopes e WHERE e.message_id = ANY($1::uuid[])
         AND e.accepted_at < GREATEST(0, $2::bigint - ${String(DAY_MS)}::bigint * COALESCE(
           (SELECT r.retention_days FROM role_addresses r WHERE r.address_id = e.role_address), $3::integer))
       RETURNING e.message_id)
     SELECT (SELECT count(*) FROM gone) AS envelopes,
            (SELECT count(*) FROM blobs b WHERE b.message_id IN (SELECT message_id FROM gone)) AS blobs`,
    [chosen.map((row) => row.message_id), input.now, input.organisationDays],
  );
  return {
    chosen: chosen.length,
    envelopes: Number(counts?.envelopes ?? 0),
    blobs: Number(counts?.blobs ?? 0),
    next: chosen.length < input.limit ? null : { acceptedAt: Number(last.accepted_at), messageId: last.message_id },
  };
}
