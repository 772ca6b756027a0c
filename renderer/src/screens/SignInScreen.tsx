import type { WardlineApi } from '../../../preload/api-factory';
import type { SessionState } from '../../../shared/ipc/contract';
import { EnrollMfaStep } from '../sign-in/EnrollMfaStep';
import { MfaStep } from '../sign-in/MfaStep';
import { PasswordForm } from '../sign-in/PasswordForm';
import { useSignInFlow } from '../sign-in/use-sign-in-flow';
import '../sign-in/sign-in.css';

/** Sign-in from user ID and password through the second factor (or its enrollment). */
export function SignInScreen({
  bridge,
  onSignedIn,
}: {
  readonly bridge: WardlineApi;
  readonly onSignedIn: (state: SessionState) => void;
}) {
  const flow = useSignInFlow(bridge, onSignedIn);
  switch (flow.step.step) {
    case 'password':
      return (
        <PasswordForm initialUserId={flow.userId} initialError={flow.carriedError} onSubmit={flow.submitPassword} />
      );
    case 'mfa':
      return <MfaStep onVerify={flow.submitCode} onCancel={flow.cancel} />;
    case 'enroll-mfa':
      return <EnrollMfaStep otpauthUri={flow.step.otpauthUri} onVerify={flow.submitCode} onCancel={flow.cancel} />;
  }
}
