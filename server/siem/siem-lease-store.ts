/**
 * The SIEM forwarding lease (`siem_forwarder_lease`, one row): which server instance forwards the
 * audit trail, in which term (`epoch`), and until when. Every time is the database's clock
 * (`clock_timestamp()`, milliseconds), the one clock every instance shares, so no two instances
 * need agree on the time.
 *
 * Taking the lease is one statement: it succeeds only where there is no row or the row has
 * expired, and bumps the epoch, so of two instances starting at once exactly one wins (the other
 * waits on the row and then finds it unexpired). The epoch is the fencing token: the cursor moves
 * only for the current holder in the current epoch (siem-cursor-store.ts).
 */
import { notify, type Queryable } from '../db/database';
import { SIEM_LEASE_CHANNEL } from '../events/channels';

/** The database's time now, in epoch milliseconds. */
export const DB_NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export interface LeaseTerm {
  /** This instance: a random uuid per start. */
  readonly holder: string;
  /** The term: greater than every earlier one. */
  readonly epoch: number;
}

/**
 * Takes the lease for `ttlMs` if nobody holds a live one; answers the new term, or null. `force`
 * takes it even from a live holder: only for the embedded database, which one process opens,
 * so an unexpired lease there is a crashed predecessor's.
 */
export async function takeLease(
  db: Queryable,
  holder: string,
  ttlMs: number,
  force: boolean,
): Promise<LeaseTerm | null> {
  const rows = await db.query<{ epoch: number | string }>(
    `INSERT INTO siem_forwarder_lease AS lease (id, holder, epoch, expires_at)
     VALUES (1, $1, 1, ${DB_NOW_MS} + $2)
     ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, epoch = lease.epoch + 1, expires_at = EXCLUDED.expires_at
       WHERE lease.expires_at <= ${DB_NOW_MS} OR $3::boolean
     RETURNING epoch`,
    [holder, ttlMs, force],
  );
  const epoch = rows[0]?.epoch;
  return epoch === undefined ? null : { holder, epoch: Number(epoch) };
}

/** Extends a live lease this term holds; false if it has expired or been taken meanwhile. */
export async function renewLease(db: Queryable, term: LeaseTerm, ttlMs: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE siem_forwarder_lease SET expires_at = ${DB_NOW_MS} + $3
     WHERE id = 1 AND holder = $1 AND epoch = $2 AND expires_at > ${DB_NOW_MS}
     RETURNING epoch`,
    [term.holder, term.epoch, ttlMs],
  );
  return rows.length > 0;
}

/** Lets the next instance take over at once (a clean stop), and tells the others; a no-op if the term is over. */
export async function releaseLease(db: Queryable, term: LeaseTerm): Promise<void> {
  const released = await db.query(
    `UPDATE siem_forwarder_lease SET expires_at = ${DB_NOW_MS} WHERE id = 1 AND holder = $1 AND epoch = $2
     RETURNING epoch`,
    [term.holder, term.epoch],
  );
  if (released.length > 0) await notify(db, SIEM_LEASE_CHANNEL, '');
}

/**
 * Whether `term` still holds a live lease, locking the row until the surrounding transaction
 * ends, so no takeover commits between this check and what the caller does with it.
 */
export async function holdsLease(tx: Queryable, term: LeaseTerm): Promise<boolean> {
  const rows = await tx.query(
    `SELECT 1 FROM siem_forwarder_lease
     WHERE id = 1 AND holder = $1 AND epoch = $2 AND expires_at > ${DB_NOW_MS}
     FOR SHARE`,
    [term.holder, term.epoch],
  );
  return rows.length > 0;
}
