/**
 * What the sign-in and lock screens say while main works through a step (main emits
 * `session.progress`; see shared/ipc/contract.ts). Said only once the attempt has taken longer
 * than PROGRESS_DELAY_MS: a quick sign-in shows nothing but its busy button.
 */
import type { SignInProgress } from '../../../shared/ipc/contract';

export const PROGRESS_DELAY_MS = 1000;

/** The secret the person typed on this screen: the lock screen may take a PIN. */
export type TypedSecret = 'password' | 'PIN';

export function progressWords(step: SignInProgress, secret: TypedSecret): string {
  switch (step) {
    case 'credentials':
      return `Checking your ${secret}…`;
    case 'code':
      return 'Checking your code…';
    case 'keys':
      return 'Unlocking your encryption keys…';
    case 'messages':
      return 'Opening your messages…';
  }
}
