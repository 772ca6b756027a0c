/**
 * The registered workstations as the section holds them: most recently heard from first, later
 * pages appended by the list's cursor (last contact, then id), asked again on Refresh and after a
 * revocation. An answer that arrives after a newer request, or after the section is gone, is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { describeAdminError } from '../admin-labels';
import type { Workstation } from '../admin-types';

export interface WorkstationsState {
  /** Null until the first answer. */
  readonly workstations: readonly Workstation[] | null;
  readonly more: boolean;
  readonly busy: 'refresh' | 'more' | null;
  readonly error: string | null;
}

export function useWorkstations(bridge: WardlineApi) {
  const [state, setState] = useState<WorkstationsState>({ workstations: null, more: false, busy: null, error: null });
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

  /** The first page again; whether it answered. */
  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, busy: 'refresh', error: null }));
    const result = await bridge.admin.listWorkstations({ after: null });
    if (mine !== generation.current) return false;
    setState((previous) =>
      result.ok
        ? { workstations: result.value.workstations, more: result.value.more, busy: null, error: null }
        : { ...previous, busy: null, error: describeAdminError(result.error, 'workstation') },
    );
    return result.ok;
  }, [bridge]);

  /** The next page; how many it added. */
  const loadMore = useCallback(async () => {
    const { workstations, more, busy } = current.current;
    const last = workstations?.at(-1);
    if (!more || busy !== null || last === undefined) return 0;
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, busy: 'more', error: null }));
    const result = await bridge.admin.listWorkstations({
      after: { lastContactAt: last.lastContactAt, deviceId: last.deviceId },
    });
    if (mine !== generation.current) return 0;
    if (!result.ok) {
      setState((previous) => ({ ...previous, busy: null, error: describeAdminError(result.error, 'workstation') }));
      return 0;
    }
    // A workstation heard from since the first page moves to the top there; never list one twice.
    setState((previous) => {
      const seen = new Set((previous.workstations ?? []).map((row) => row.deviceId));
      const added = result.value.workstations.filter((row) => !seen.has(row.deviceId));
      return {
        workstations: [...(previous.workstations ?? []), ...added],
        more: result.value.more,
        busy: null,
        error: null,
      };
    });
    return result.value.workstations.length;
  }, [bridge]);

  return { state, refresh, loadMore };
}
