import { useEffect, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { SessionState, SignedOutReason } from '../../../shared/ipc/contract';
import { EnrollMfaStep } from '../sign-in/EnrollMfaStep';
import { EnrollmentForm } from '../sign-in/EnrollmentForm';
import { MfaStep } from '../sign-in/MfaStep';
import { PasswordForm } from '../sign-in/PasswordForm';
import { signedOutNotice } from '../sign-in/signed-out-notice';
import { useSignInFlow } from '../sign-in/use-sign-in-flow';
import { useSignInProgress } from '../sign-in/SignInProgressNote';
import '../sign-in/sign-in.css';

/**
 * Sign-in from user ID and password (or a first sign-in's enrollment code) through the second
 * factor (or its enrollment), saying first why the last person was signed out when IT or the
 * server did it.
 */
export function SignInScreen({
  bridge,
  passwordMinLength,
  onSignedIn,
  signedOutReason,
}: {
  readonly bridge: WardlineApi;
  /** Machine policy: the shortest password a person may choose at enrollment. */
  readonly passwordMinLength: number;
  readonly onSignedIn: (state: SessionState) => void;
  readonly signedOutReason?: SignedOutReason | undefined;
}) {
  const flow = useSignInFlow(bridge, onSignedIn);
  const demo = useDemoServer(bridge);
  const progress = useSignInProgress(bridge);
  switch (flow.step.step) {
    case 'password':
      return (
        <PasswordForm
          initialUserId={flow.userId}
          initialError={flow.carriedError}
          onSubmit={flow.submitPassword}
          onEnroll={() => flow.showEnrollment(true)}
          demoServer={demo}
          notice={signedOutReason === undefined ? null : signedOutNotice(signedOutReason)}
          progress={progress}
        />
      );
    case 'enroll':
      return (
        <EnrollmentForm
          initialUserId={flow.userId}
          passwordMinLength={passwordMinLength}
          onSubmit={flow.submitEnrollment}
          onBack={() => flow.showEnrollment(false)}
          progress={progress}
        />
      );
    case 'mfa':
      return <MfaStep onVerify={flow.submitCode} onCancel={flow.cancel} progress={progress} />;
    case 'enroll-mfa':
      return (
        <EnrollMfaStep
          otpauthUri={flow.step.otpauthUri}
          onVerify={flow.submitCode}
          onCancel={flow.cancel}
          progress={progress}
        />
      );
  }
}

/** Whether the server is a `--demo` one; false until it answers, and if it cannot. */
function useDemoServer(bridge: WardlineApi): boolean {
  const [demo, setDemo] = useState(false);
  useEffect(() => {
    let current = true;
    void bridge.server.getInfo().then((result) => {
      if (current && result.ok) setDemo(result.value.demo);
    });
    return () => {
      current = false;
    };
  }, [bridge]);
  return demo;
}
