/**
 * One admin action at a time for a panel (a person, a role address, the workstations): it runs
 * through re-authentication if the server asks (use-reauthentication.ts), and leaves what came
 * of it to show (ActionOutcomeView): done (in words the caller chooses), refused (the typed
 * error's wording), or not done because the admin cancelled.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IpcResult } from '../../../shared/ipc/result';
import { describeAdminError, type AdminSubject } from './admin-labels';
import { useReauthentication } from './use-reauthentication';

export interface ActionOutcome {
  readonly tone: 'done' | 'refused' | 'cancelled';
  readonly text: string;
}

export interface AdminAction {
  /** Which action is under way (its name), or null. */
  readonly busy: string | null;
  readonly outcome: ActionOutcome | null;
  /** Runs `call`; what it answered if it was done, else null. `said` words what was done. */
  readonly run: <T>(
    name: string,
    call: () => Promise<IpcResult<T>>,
    said: (value: T) => string,
  ) => Promise<{ readonly value: T } | null>;
}

/** `subject`: what the actions are about, for the words of a refusal (admin-labels.ts). */
export function useAdminAction(subject: AdminSubject = 'person'): AdminAction {
  const withReauthentication = useReauthentication();
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const run = useCallback(
    async <T>(name: string, call: () => Promise<IpcResult<T>>, said: (value: T) => string) => {
      setBusy(name);
      setOutcome(null);
      const result = await withReauthentication(call);
      if (!live.current) return result?.ok === true ? { value: result.value } : null;
      setBusy(null);
      if (result === null) {
        setOutcome({ tone: 'cancelled', text: 'Not done: you cancelled when asked to confirm it was you.' });
        return null;
      }
      if (!result.ok) {
        setOutcome({ tone: 'refused', text: describeAdminError(result.error, subject) });
        return null;
      }
      setOutcome({ tone: 'done', text: said(result.value) });
      return { value: result.value };
    },
    [withReauthentication, subject],
  );

  return { busy, outcome, run };
}
