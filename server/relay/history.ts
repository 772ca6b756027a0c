/**
 * `history`: envelopes of one conversation that the caller sent or received, newest first,
 * paged by acceptance time (`before` is exclusive). Recalled envelopes (header-only tombstones)
 * and expired ones are not returned, so `recalledAt` is always null here: a recall reaches
 * clients as a `recall` feed event.
 */
import type { RouteRequest, RouteResponse, StoredEnvelope } from '../../shared/protocol/api';
import type { AuthenticatedSession } from '../accounts/session-store';
import { historyAt, historyBefore, parseStoredEnvelope } from './envelope-store';
import { trimPage } from './history-page';
import type { RelayDeps } from './send-message';

/** The response schema's ceiling: a same-millisecond group is never returned beyond it. */
const MAX_PAGE = 200;

export async function conversationHistory(
  deps: RelayDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'history'>,
): Promise<RouteResponse<'history'>> {
  const now = deps.clock();
  const scope = { conversationId: request.conversationId, userId: session.userId, now };
  const rows = await historyBefore(deps.db, scope, request.before, request.limit + 1);
  const trimmed = trimPage(rows, request.limit, (row) => row.acceptedAt);
  let items = trimmed.items;
  if (trimmed.splitGroupAt !== null) items = await historyAt(deps.db, scope, trimmed.splitGroupAt, MAX_PAGE);
  const envelopes: StoredEnvelope[] = items.map((row) => ({
    envelope: parseStoredEnvelope(row.envelopeJson),
    acceptedAt: row.acceptedAt,
    recalledAt: row.recalledAt,
  }));
  return { envelopes, more: trimmed.more };
}
