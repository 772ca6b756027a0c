/**
 * Directory search for the `To` field: waits for a pause in typing (debounce), asks
 * `directory.search`, and keeps only the answer to the latest query. Queries shorter than two
 * characters are not sent.
 */
import { useEffect, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { AppError } from '../../../../shared/errors';
import type { DirectoryEntry } from '../../../../shared/protocol/api';

export const MIN_QUERY_CHARS = 2;
const DEBOUNCE_MS = 250;

export type DirectorySearch =
  | { readonly status: 'idle' }
  | { readonly status: 'searching' }
  | { readonly status: 'done'; readonly entries: readonly DirectoryEntry[] }
  | { readonly status: 'failed'; readonly error: AppError };

interface Answer {
  readonly query: string;
  readonly entries: readonly DirectoryEntry[] | null;
  readonly error: AppError | null;
}

export function useDirectorySearch(bridge: WardlineApi, input: string): DirectorySearch {
  const query = input.trim().slice(0, 100);
  const [answer, setAnswer] = useState<Answer | null>(null);

  useEffect(() => {
    if (query.length < MIN_QUERY_CHARS) return;
    let current = true;
    const timer = window.setTimeout(() => {
      void bridge.directory.search({ query }).then((result) => {
        if (!current) return;
        setAnswer(
          result.ok
            ? { query, entries: result.value.entries, error: null }
            : { query, entries: null, error: result.error },
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
  if (answer.error !== null) return { status: 'failed', error: answer.error };
  return { status: 'done', entries: answer.entries ?? [] };
}
