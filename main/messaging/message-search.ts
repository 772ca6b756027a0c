/**
 * Searching the clinician's messages on this workstation (the vault's indexes, search-ops.ts).
 * A search is an access: `search.performed` is recorded with the number of results and nothing
 * else (not the words, which can be a patient's name; an empty result is recorded too) before
 * any result is shown, and a search that cannot be recorded shows nothing.
 */
import { appError } from '../../shared/errors';
import { actionEvent } from '../../shared/audit/audit-event-builder';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { MAX_SEARCH_RESULTS, type SearchResult } from '../../shared/ipc/search-channels';
import { displayTextOrNull } from '../../shared/text/display-text';
import type { SearchRow } from '../store/ops/search-ops';
import { highlightTerms, isHighlighted, searchWords, tokensOf, type HighlightTerms } from '../store/search-query';
import type { StoreClient } from '../store/store-client';
import type { ActionRecords } from './action-records';
import { conversationLabel } from './message-view';
import { snippetOf } from './search-snippet';

const NAME_CHARS = 200;
const SUBJECT_CHARS = 200;

/** What a conversation found by what it is about shows: the patient label if a word is in it, else the subject. */
function conversationSnippet(row: SearchRow, terms: HighlightTerms): SearchResult['snippet'] {
  const patient = row.conversation.patientLabel;
  if (patient !== null && tokensOf(patient).some(({ token }) => isHighlighted(token, terms)))
    return snippetOf('patient', patient, terms);
  return snippetOf('subject', row.conversation.title ?? '', terms);
}

/** A found message as the search list shows it; names and subject through the display rule, as everywhere. */
export function toSearchResult(row: SearchRow, terms: HighlightTerms): SearchResult {
  return {
    messageId: row.messageId,
    conversationId: row.conversationId,
    conversationLabel: conversationLabel(row.conversation).slice(0, 500),
    subject: displayTextOrNull(row.conversation.title, SUBJECT_CHARS),
    senderName: displayTextOrNull(row.senderName, NAME_CHARS) ?? row.senderId,
    direction: row.direction,
    sentAt: row.sentAt,
    priority: row.priority,
    snippet: row.matchedIn === 'body' ? snippetOf('body', row.body, terms) : conversationSnippet(row, terms),
  };
}

export function createMessageSearch(deps: {
  readonly store: StoreClient;
  readonly records: ActionRecords;
  readonly selfId: string;
  readonly now: () => number;
}) {
  return async (
    query: string,
    limit: number = MAX_SEARCH_RESULTS,
  ): Promise<IpcResult<{ results: SearchResult[]; more: boolean }>> => {
    const found = await deps.store.call('message.search', {
      text: query,
      selfId: deps.selfId,
      now: deps.now(),
      limit: Math.min(limit, MAX_SEARCH_RESULTS),
    });
    const refused = await deps.records.refusal(
      actionEvent({ action: 'search.performed', object: { kind: 'search', resultCount: found.rows.length } }),
    );
    if (refused !== null) return fail(appError(refused));
    const terms = highlightTerms(searchWords(query));
    return ok({ results: found.rows.map((row) => toSearchResult(row, terms)), more: found.more });
  };
}
