/**
 * One workstation's commands (its wipes) as its panel holds them, newest first: read when the
 * panel opens, on Refresh, after a wipe is queued, and again every few seconds while one is not
 * done, so IT watches a wipe go from queued to delivered to done without pressing anything. An
 * answer that arrives after a newer request, or after the panel is gone, is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import { describeAdminError } from '../admin-labels';
import type { WorkstationCommand } from '../admin-types';

/** How often an unfinished command is asked about again. */
export const COMMAND_POLL_MS = 5_000;

export interface WorkstationCommandsState {
  /** Null until the first answer. */
  readonly commands: readonly WorkstationCommand[] | null;
  readonly busy: boolean;
  readonly error: string | null;
}

export function useWorkstationCommands(bridge: WardlineApi, deviceId: string, pollMs = COMMAND_POLL_MS) {
  const [state, setState] = useState<WorkstationCommandsState>({ commands: null, busy: false, error: null });
  const generation = useRef(0);
  useEffect(
    () => () => {
      generation.current += 1;
    },
    [],
  );

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, busy: true }));
    const result = await bridge.admin.workstationCommands({ deviceId });
    if (mine !== generation.current) return;
    setState((previous) =>
      result.ok
        ? { commands: result.value.commands, busy: false, error: null }
        : { ...previous, busy: false, error: describeAdminError(result.error, 'workstation') },
    );
  }, [bridge, deviceId]);

  // The first read, as the panel opens (setting state only once it answers).
  useEffect(() => {
    const mine = ++generation.current;
    void bridge.admin.workstationCommands({ deviceId }).then((result) => {
      if (mine !== generation.current) return;
      setState(
        result.ok
          ? { commands: result.value.commands, busy: false, error: null }
          : { commands: null, busy: false, error: describeAdminError(result.error, 'workstation') },
      );
    });
  }, [bridge, deviceId]);

  const pending = state.commands?.some((command) => command.state !== 'done') ?? false;
  useEffect(() => {
    if (!pending) return;
    const timer = window.setInterval(() => void refresh(), pollMs);
    return () => window.clearInterval(timer);
  }, [pending, pollMs, refresh]);

  return { state, refresh };
}
