/**
 * What the sign-in screen says when the last person here did not sign themselves out, so IT's
 * doing is never met by a silent sign-in form. Plain words, no names: whoever reads it next may
 * be someone else.
 */
import type { SignedOutReason } from '../../../shared/ipc/contract';

const NOTICES: Readonly<Record<SignedOutReason, string>> = {
  'workstation-wiped':
    'This workstation was wiped by IT. Everything Wardline stored on it has been erased; sign in to start afresh.',
  'user-wiped': 'IT removed your Wardline data from this workstation and signed you out.',
  'account-disabled':
    'Your account was disabled by IT, and you were signed out. Call the IT service desk if you think this is a mistake.',
  'signed-out-by-it':
    'You were signed out remotely: by IT, or from another workstation where you are signed in. Sign in to continue.',
  'session-expired': 'Your session ended on the server. Sign in again to continue.',
};

export function signedOutNotice(reason: SignedOutReason): string {
  return NOTICES[reason];
}
