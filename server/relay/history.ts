/**
 * `history`: envelopes of one conversation that the caller sent or received, newest first,
 * paged by acceptance time (`before` is exclusive). Recalled envelopes (header-only tombstones)
 * and expired ones are not returned, so `recalledAt` is always null here: a recall reaches
 * clients as a `recall` feed event.
 */
import type { RouteRequest, RouteResponse, StoredEnvelope } from '../../shared/protocol/api';
import type { AuthenticatedSession } from '../accounts/session-store';
import { parseStoredEnvelope } from './envelope-store';
import { trimPage } from './history-page';
import type { RelayDeps } from './send-message';

type HistoryRow = { envelope_json: string; accepted_at: number; recalled_at: number | null };

/** The response schema's ceiling: a same-millisecond group is never returned beyond it. */
const MAX_PAGE = 200;

const VISIBLE = `e.conversation_id = $1 AND e.envelope_json IS NOT NULL AND (e.expires_at IS NULL OR e.expires_at > $2)
  AND (e.sender_id = $3 OR EXISTS (SELECT 1 FROM envelope_recipients r WHERE r.message_id = e.message_id AND r.user_id = $3))`;

export async function conversationHistory(
  deps: RelayDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'history'>,
): Promise<RouteResponse<'history'>> {
  const now = deps.clock();
  const base = [request.conversationId, now, session.userId];
  const rows = await deps.db.query<HistoryRow>(
    `SELECT e.envelope_json, e.accepted_at, e.recalled_at FROM envelopes e
     WHERE ${VISIBLE} AND ($4::bigint IS NULL OR e.accepted_at < $4)
     ORDER BY e.accepted_at DESC, e.message_id DESC LIMIT $5`,
    [...base, request.before, request.limit + 1],
  );
  const trimmed = trimPage(rows, request.limit, (row) => row.accepted_at);
  let items = trimmed.items;
  if (trimmed.splitGroupAt !== null) {
    items = await deps.db.query<HistoryRow>(
      `SELECT e.envelope_json, e.accepted_at, e.recalled_at FROM envelopes e
       WHERE ${VISIBLE} AND e.accepted_at = $4 ORDER BY e.message_id DESC LIMIT $5`,
      [...base, trimmed.splitGroupAt, MAX_PAGE],
    );
  }
  const envelopes: StoredEnvelope[] = items.map((row) => ({
    envelope: parseStoredEnvelope(row.envelope_json),
    acceptedAt: row.accepted_at,
    recalledAt: row.recalled_at,
  }));
  return { envelopes, more: trimmed.more };
}
