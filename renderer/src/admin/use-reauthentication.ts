/**
 * Destructive admin actions may be refused with REAUTHENTICATION_REQUIRED (the server wants the
 * password and a code from the last five minutes). `useReauthentication()` wraps such an action:
 * run it; if the server asks, the provider's dialog asks the admin, and the action runs once more
 * after they prove themselves. Null means they cancelled: nothing was done.
 */
import { createContext, useContext } from 'react';
import type { IpcResult } from '../../../shared/ipc/result';

export type WithReauthentication = <T>(run: () => Promise<IpcResult<T>>) => Promise<IpcResult<T> | null>;

/** Outside a provider, the action runs as it is (its refusal is shown like any other). */
export const ReauthenticationContext = createContext<WithReauthentication>((run) => run());

export function useReauthentication(): WithReauthentication {
  return useContext(ReauthenticationContext);
}
