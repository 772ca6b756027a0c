/**
 * Legal holds on messages (issue 20; shared/protocol/message-hold-api.ts): placing, releasing,
 * listing, and the paged ciphertext export of a matter. The route table admits only
 * `holds.manage` (compliance officers), and releasing only within the re-authentication window.
 *
 * Placing a hold takes the hold lock (message-hold-store.ts `lockHolds`) before it writes, so a
 * recall, expiry or retention delete in flight finishes first and every later one sees the hold.
 * Each place and release is an admin event on the server's chain, in the same transaction, by
 * hold id and custodian; the matter's name stays in the hold rows. A release lets go at once
 * what the hold alone kept of recalled messages; expired and retention-due ones go with the next
 * sweep.
 */
import { randomUUID } from 'node:crypto';
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import {
  MATTER_PAGE_MAX,
  MAX_HOLDS_IN_FORCE,
  type HeldMessage,
  type MatterPerson,
  type MessageHold,
} from '../../shared/protocol/message-hold-api';
import { ROLES, type Role } from '../../shared/access/permission-matrix';
import { historyAsOf } from '../../shared/protocol/signing-key-history';
import type { AuthenticatedSession } from '../accounts/session-store';
import { recordAdminEvent } from '../admin/admin-event-store';
import type { Clock } from '../clock';
import type { Database, Queryable } from '../db/database';
import { transactionOutcome } from '../db/outcome-transaction';
import { publishedSigningKeysOf } from '../directory/key-history-store';
import { fail, succeed, type Outcome } from '../outcome';
import {
  heldMessagesOfMatter,
  holdsInForceCount,
  insertMessageHoldPlaced,
  insertMessageHoldReleased,
  letGoUnheld,
  lockHolds,
  matterInForce,
  messageHoldsInForce,
  type HeldRow,
  type HoldRow,
} from './message-hold-store';

export interface MessageHoldDeps {
  readonly db: Database;
  readonly clock: Clock;
}

const holdOf = (row: HoldRow): MessageHold => ({ ...row });

async function accountExists(db: Queryable, userId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM accounts WHERE user_id = $1', [userId])).length > 0;
}

export async function placeMessageHold(
  deps: MessageHoldDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'placeMessageHold'>,
): Promise<Outcome<RouteResponse<'placeMessageHold'>>> {
  const custodianId = 'custodianId' in request ? request.custodianId : null;
  const conversationId = 'conversationId' in request ? request.conversationId : null;
  // A conversation is taken as named (the server cannot see which exist beyond its envelopes,
  // and a hold on one not yet written to is meaningful); a custodian must be a real account.
  if (custodianId !== null && !(await accountExists(deps.db, custodianId))) return fail('NOT_FOUND');
  const holdId = randomUUID();
  return transactionOutcome(deps.db, async (tx) => {
    await lockHolds(tx);
    if ((await holdsInForceCount(tx)) >= MAX_HOLDS_IN_FORCE) return fail('HOLD_LIMIT_REACHED');
    const at = deps.clock();
    await insertMessageHoldPlaced(tx, {
      holdId,
      matter: request.matter,
      reasonCode: request.reasonCode,
      custodianId,
      conversationId,
      at,
      actor: session.userId,
    });
    await recordAdminEvent(tx, {
      at,
      actor: session.userId,
      action: 'message-hold.placed',
      targetUserId: custodianId,
      subject: holdId,
    });
    const [placed] = await messageHoldsInForce(tx, holdId);
    return placed === undefined ? fail('NOT_FOUND') : succeed({ hold: holdOf(placed) });
  });
}

export async function releaseMessageHold(
  deps: MessageHoldDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'releaseMessageHold'>,
): Promise<Outcome<RouteResponse<'releaseMessageHold'>>> {
  const released = await transactionOutcome(deps.db, async (tx) => {
    const [hold] = await messageHoldsInForce(tx, request.holdId);
    if (hold === undefined) return fail('NOT_FOUND');
    const at = deps.clock();
    if (!(await insertMessageHoldReleased(tx, { holdId: request.holdId, at, actor: session.userId })))
      return fail('NOT_FOUND');
    await recordAdminEvent(tx, {
      at,
      actor: session.userId,
      action: 'message-hold.released',
      targetUserId: hold.custodian?.userId ?? null,
      subject: request.holdId,
    });
    return succeed({ releasedAt: at });
  });
  // After the release has committed: the triggers now see it gone. The release stands whatever
  // this does; housekeeping lets go of anything left.
  if (released.ok) await letGoUnheld(deps.db).catch(() => undefined);
  return released;
}

export async function listMessageHolds(deps: MessageHoldDeps): Promise<Outcome<RouteResponse<'messageHolds'>>> {
  return succeed({ holds: (await messageHoldsInForce(deps.db)).map(holdOf) });
}

function stateOf(row: HeldRow, now: number): HeldMessage['state'] {
  if (row.recalledAt !== null) return 'recalled';
  return row.expiresAt !== null && row.expiresAt <= now ? 'expired' : 'standing';
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/**
 * Everyone named, as the package's directory has them: a name and role to show, and every
 * signing key they had published by `asOf` with when each was in force (the key history, so one
 * whose keys a password reset removed is here too, with the keys they signed by).
 */
export async function peopleOf(db: Queryable, userIds: readonly string[], asOf: number): Promise<MatterPerson[]> {
  const ids = [...new Set(userIds)];
  const published = await publishedSigningKeysOf(db, ids);
  const accounts = await db.query<{ user_id: string; display_name: string; role: string }>(
    'SELECT user_id, display_name, role FROM accounts WHERE user_id = ANY($1::text[])',
    [ids],
  );
  return accounts.flatMap((account) =>
    isRole(account.role)
      ? [
          {
            userId: account.user_id,
            signingKeys: historyAsOf(published.get(account.user_id) ?? [], asOf),
            displayName: account.display_name,
            role: account.role,
          },
        ]
      : [],
  );
}

/** A page of the matter's held messages; NOT_FOUND when no hold in force names the matter. */
export async function matterMessages(
  deps: MessageHoldDeps,
  request: RouteRequest<'matterMessages'>,
): Promise<Outcome<RouteResponse<'matterMessages'>>> {
  if (!(await matterInForce(deps.db, request.matter))) return fail('NOT_FOUND');
  // Later pages of one export are read as of its first page's time; never as of a time to come.
  const now = request.asOf ?? deps.clock();
  if (now > deps.clock()) return fail('MALFORMED_REQUEST');
  const rows = await heldMessagesOfMatter(deps.db, request.matter, request.after, MATTER_PAGE_MAX + 1, now);
  const page = rows.slice(0, MATTER_PAGE_MAX);
  const messages = page.map((row): HeldMessage => ({
    envelopeJson: row.envelopeJson,
    acceptedAt: row.acceptedAt,
    expiresAt: row.expiresAt,
    state: stateOf(row, now),
    recall:
      row.recalledAt === null || row.recallSignature === null
        ? null
        : { recalledAt: row.recalledAt, signature: row.recallSignature },
    receipts: row.receipts,
    blobs: row.blobs,
  }));
  const last = page.at(-1);
  return succeed({
    messages,
    people: await peopleOf(
      deps.db,
      page.flatMap((row) => [row.senderId, ...row.recipients]),
      now,
    ),
    at: now,
    next:
      rows.length > MATTER_PAGE_MAX && last !== undefined
        ? { acceptedAt: last.acceptedAt, messageId: last.messageId }
        : null,
  });
}
