import type { SignInProgress } from '../../../shared/ipc/contract';
import { AuthenticationCodeForm } from './AuthenticationCodeForm';

/** Second factor for an account that already has an authenticator. */
export function MfaStep({
  onVerify,
  onCancel,
  progress,
}: {
  readonly onVerify: (code: string) => Promise<string | null>;
  readonly onCancel: () => Promise<void>;
  readonly progress: SignInProgress | null;
}) {
  return (
    <section className="card sign-in" aria-labelledby="mfa-heading">
      <h1 id="mfa-heading">Enter your code</h1>
      <p className="hint">Open the authenticator app on your phone and type the 6-digit code it shows for Wardline.</p>
      <AuthenticationCodeForm onVerify={onVerify} onCancel={onCancel} progress={progress} />
    </section>
  );
}
