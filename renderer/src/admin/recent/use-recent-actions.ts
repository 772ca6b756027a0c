/**
 * The admin's recent actions as the section holds them: newest first, older pages appended (by
 * trail number), asked again on Refresh. An answer that arrives after a newer request, or after
 * the section is gone, is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { describeAdminError } from '../admin-labels';
import type { LogEntry } from '../admin-types';

export interface RecentActionsState {
  /** Null until the first answer. */
  readonly entries: readonly LogEntry[] | null;
  readonly more: boolean;
  readonly busy: 'refresh' | 'older' | null;
  readonly error: string | null;
}

export function useRecentActions(bridge: WardlineApi) {
  const [state, setState] = useState<RecentActionsState>({ entries: null, more: false, busy: null, error: null });
  const generation = useRef(0);
  const current = useRef(state);
  useEffect(() => {
    current.current = state;
  }, [state]);
  useEffect(
    () => () => {
      generation.current += 1;
    },
    [],
  );

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, busy: 'refresh', error: null }));
    const result = await bridge.admin.recentActions({ before: null });
    if (mine !== generation.current) return;
    setState((previous) =>
      result.ok
        ? { entries: result.value.entries, more: result.value.more, busy: null, error: null }
        : { ...previous, busy: null, error: describeAdminError(result.error) },
    );
  }, [bridge]);

  const loadOlder = useCallback(async () => {
    const { entries, more, busy } = current.current;
    const last = entries?.at(-1);
    if (!more || busy !== null || last === undefined) return;
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, busy: 'older', error: null }));
    const result = await bridge.admin.recentActions({ before: last.treeIndex });
    if (mine !== generation.current) return;
    setState((previous) =>
      result.ok
        ? {
            entries: [...(previous.entries ?? []), ...result.value.entries],
            more: result.value.more,
            busy: null,
            error: null,
          }
        : { ...previous, busy: null, error: describeAdminError(result.error) },
    );
  }, [bridge]);

  return { state, refresh, loadOlder };
}
