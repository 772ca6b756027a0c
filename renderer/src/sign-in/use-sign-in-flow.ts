/**
 * The sign-in steps as main answers them: password, then (if the server asks) a code from the
 * authenticator or the enrollment of one, then signed in. Errors that end the attempt on the
 * server (expired, locked) send the clinician back to the password step with the reason shown
 * there. The password itself is never held here: it goes straight from the form to main.
 */
import { useCallback, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { ErrorCode } from '../../../shared/errors';
import type { SessionState } from '../../../shared/ipc/contract';
import { describeError } from '../error-messages';

export type SignInStepView =
  | { readonly step: 'password' }
  /** First sign-in with an enrollment code, choosing a password. */
  | { readonly step: 'enroll' }
  | { readonly step: 'mfa' }
  | { readonly step: 'enroll-mfa'; readonly otpauthUri: string };

/** Failures after which the server has forgotten this attempt: start again from the password. */
const RESTART: ReadonlySet<ErrorCode> = new Set([
  'MFA_EXPIRED',
  'MFA_ALREADY_ENROLLED',
  'NO_SIGN_IN_IN_PROGRESS',
  'SESSION_EXPIRED',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
]);

export interface SignInFlow {
  readonly step: SignInStepView;
  /** The user ID last submitted, so going back keeps it filled in. */
  readonly userId: string;
  /** A failure from a later step, shown on the password step after going back. */
  readonly carriedError: string | null;
  /** Resolves with the text to show, or null when the attempt moved on. */
  readonly submitPassword: (userId: string, password: string) => Promise<string | null>;
  readonly submitEnrollment: (userId: string, enrollmentCode: string, password: string) => Promise<string | null>;
  /** To the enrollment form and back. */
  readonly showEnrollment: (shown: boolean) => void;
  readonly submitCode: (code: string) => Promise<string | null>;
  readonly cancel: () => Promise<void>;
}

export function useSignInFlow(bridge: WardlineApi, onSignedIn: (state: SessionState) => void): SignInFlow {
  const [step, setStep] = useState<SignInStepView>({ step: 'password' });
  const [userId, setUserId] = useState('');
  const [carriedError, setCarriedError] = useState<string | null>(null);

  /** Main's answer to a first factor (a password, or an enrollment code with a new one). */
  const firstFactor = useCallback(
    (result: Awaited<ReturnType<WardlineApi['session']['signIn']>>) => {
      if (!result.ok) return describeError(result.error);
      const answer = result.value;
      switch (answer.step) {
        case 'mfa':
          setStep({ step: 'mfa' });
          break;
        case 'enroll-mfa':
          setStep({ step: 'enroll-mfa', otpauthUri: answer.otpauthUri });
          break;
        case 'signed-in':
          onSignedIn(answer.state);
          break;
      }
      return null;
    },
    [onSignedIn],
  );

  const submitPassword = useCallback(
    async (nextUserId: string, password: string) => {
      setUserId(nextUserId);
      setCarriedError(null);
      return firstFactor(await bridge.session.signIn({ userId: nextUserId, password }));
    },
    [bridge, firstFactor],
  );

  const submitEnrollment = useCallback(
    async (nextUserId: string, enrollmentCode: string, password: string) => {
      setUserId(nextUserId);
      setCarriedError(null);
      return firstFactor(await bridge.session.enroll({ userId: nextUserId, enrollmentCode, password }));
    },
    [bridge, firstFactor],
  );

  const showEnrollment = useCallback((shown: boolean) => {
    setCarriedError(null);
    setStep({ step: shown ? 'enroll' : 'password' });
  }, []);

  const submitCode = useCallback(
    async (code: string) => {
      const result = await bridge.session.verifyMfa({ code });
      if (result.ok) {
        onSignedIn(result.value);
        return null;
      }
      if (RESTART.has(result.error.code)) {
        setCarriedError(describeError(result.error));
        setStep({ step: 'password' });
        return null;
      }
      return describeError(result.error);
    },
    [bridge, onSignedIn],
  );

  const cancel = useCallback(async () => {
    // Whatever main answers, this attempt is over for the person at the keyboard.
    await bridge.session.cancelSignIn();
    setCarriedError(null);
    setStep({ step: 'password' });
  }, [bridge]);

  return { step, userId, carriedError, submitPassword, submitEnrollment, showEnrollment, submitCode, cancel };
}
