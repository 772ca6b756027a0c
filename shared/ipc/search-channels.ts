/**
 * Message search over this workstation's vault (main/messaging/message-search.ts): the query is
 * PHI (it can be a patient's name), so it travels only in this request, and the trail records
 * the number of results, never the words. Spread into the contract's channels (contract.ts).
 */
import { z } from 'zod';
import { PRIORITIES } from '../protocol/envelope';
import { conversationId, messageId } from '../protocol/identifiers';
import type { ChannelSpec } from './channel-spec';

/** Most results one search answers; the newest come first. */
export const MAX_SEARCH_RESULTS = 50;
/** Longest snippet text, ellipses included (main/messaging/search-snippet.ts keeps well within it). */
export const MAX_SNIPPET_CHARS = 400;

const offset = z.number().int().nonnegative().max(MAX_SNIPPET_CHARS);

/**
 * A short extract of where the words were found, with the matched spans as UTF-16 offsets into
 * `text` (not markup: the renderer shows text and marks these spans itself).
 */
export const searchSnippetSchema = z
  .strictObject({
    /** The message's body, or (a conversation found by what it is about) its subject or patient label. */
    field: z.enum(['body', 'subject', 'patient']),
    text: z.string().max(MAX_SNIPPET_CHARS),
    matches: z
      .array(z.strictObject({ start: offset, end: offset }))
      .max(40)
      .refine((spans) => spans.every((span, i) => span.start < span.end && span.start >= (spans[i - 1]?.end ?? 0)), {
        message: 'spans in order, none empty or overlapping',
      }),
  })
  .refine((snippet) => snippet.matches.every((span) => span.end <= snippet.text.length), {
    message: 'spans within the text',
  });
export type SearchSnippet = z.infer<typeof searchSnippetSchema>;

export const searchResultSchema = z.strictObject({
  messageId,
  conversationId,
  /** Who the conversation is with, as the conversation list says it. */
  conversationLabel: z.string().max(500),
  /** The subject its starter typed, shown as a subject only. */
  subject: z.string().max(200).nullable(),
  senderName: z.string().max(200),
  direction: z.enum(['in', 'out']),
  sentAt: z.number().int().nonnegative(),
  priority: z.enum(PRIORITIES),
  snippet: searchSnippetSchema,
});
export type SearchResult = z.infer<typeof searchResultSchema>;

export const searchChannels = {
  /**
   * Messages on this workstation whose body, conversation subject or patient label holds every
   * word (the last as a prefix), newest first; never a recalled or expired one.
   */
  'search.messages': {
    request: z.strictObject({
      query: z.string().trim().min(1).max(200),
      limit: z.number().int().min(1).max(MAX_SEARCH_RESULTS).optional(),
    }),
    response: z.strictObject({
      results: z.array(searchResultSchema).max(MAX_SEARCH_RESULTS),
      /** More messages match than were answered: more words would narrow it. */
      more: z.boolean(),
    }),
    permission: 'messages.use',
  },
} as const satisfies Record<`${string}.${string}`, ChannelSpec>;
