/**
 * Message search as typed: waits for a pause in typing (debounce), asks `search.messages`, and
 * keeps only the answer to the latest query. Queries shorter than two characters are not sent
 * (a single letter matches nearly everything). The query lives in this state only: never in the
 * address, the window title or a log; the signed-in screen unmounts on lock, and it goes with it.
 */
import { useEffect, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { appError, type AppError } from '../../../../shared/errors';
import type { SearchResult } from '../../../../shared/ipc/search-channels';

export const MIN_QUERY_CHARS = 2;
const MAX_QUERY_CHARS = 200;
const DEBOUNCE_MS = 200;

export type MessageSearch =
  | { readonly status: 'idle' }
  | { readonly status: 'searching' }
  | { readonly status: 'done'; readonly results: readonly SearchResult[]; readonly more: boolean }
  | { readonly status: 'failed'; readonly error: AppError };

interface Answer {
  readonly query: string;
  readonly found: { readonly results: readonly SearchResult[]; readonly more: boolean } | null;
  readonly error: AppError | null;
}

export function useMessageSearch(bridge: WardlineApi, input: string): MessageSearch {
  const query = input.trim().slice(0, MAX_QUERY_CHARS);
  const [answer, setAnswer] = useState<Answer | null>(null);

  useEffect(() => {
    if (query.length < MIN_QUERY_CHARS) return;
    let current = true;
    const timer = window.setTimeout(() => {
      void bridge.search.messages({ query }).then((result) => {
        if (!current) return;
        setAnswer(
          result.ok ? { query, found: result.value, error: null } : { query, found: null, error: result.error },
        );
      });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [bridge, query]);

  if (query.length < MIN_QUERY_CHARS) return { status: 'idle' };
  if (answer?.query !== query) return { status: 'searching' };
  if (answer.found === null) return { status: 'failed', error: answer.error ?? appError('INTERNAL') };
  return { status: 'done', results: answer.found.results, more: answer.found.more };
}
