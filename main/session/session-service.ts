/**
 * Holds the workstation's session state and tells listeners when it changes. Sign-in against a
 * server arrives with the messaging issue; until then it answers with the typed NOT_AVAILABLE
 * error so the sign-in screen can say so plainly.
 */
import type { Role } from '../../shared/access/permission-matrix';
import type { SessionState } from '../../shared/ipc/contract';
import { appError } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';

export interface SessionService {
  state(): SessionState;
  role(): Role | null;
  signIn(userId: string, password: string): Promise<IpcResult<SessionState>>;
  signOut(): Promise<IpcResult<SessionState>>;
  onChange(listener: (state: SessionState) => void): () => void;
}

export function createSessionService(): SessionService {
  let current: SessionState = { state: 'signed-out' };
  const listeners = new Set<(state: SessionState) => void>();
  const set = (next: SessionState) => {
    current = next;
    for (const listener of listeners) listener(next);
  };
  return {
    state: () => current,
    role: () => (current.state === 'unlocked' ? current.user.role : null),
    signIn: () => Promise.resolve(fail(appError('NOT_AVAILABLE'))),
    signOut: () => {
      set({ state: 'signed-out' });
      return Promise.resolve(ok(current));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
