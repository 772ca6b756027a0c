import { useId } from 'react';
import type { SignInProgress } from '../../../shared/ipc/contract';
import { AuthenticationCodeForm } from './AuthenticationCodeForm';
import { groupSecret, parseOtpauthUri } from './otpauth-details';
import { QrCode } from './QrCode';

/**
 * First sign-in where the hospital requires an authenticator: scan the code (or type the key),
 * then prove it works with one code. The key is shown only here and never stored by the page.
 */
export function EnrollMfaStep({
  otpauthUri,
  onVerify,
  onCancel,
  progress,
}: {
  readonly otpauthUri: string;
  readonly onVerify: (code: string) => Promise<string | null>;
  readonly onCancel: () => Promise<void>;
  readonly progress: SignInProgress | null;
}) {
  const details = parseOtpauthUri(otpauthUri);
  const keyId = useId();

  return (
    <section className="card card-wide sign-in" aria-labelledby="enroll-heading">
      <h1 id="enroll-heading">Set up your authenticator</h1>
      <p className="hint">Wardline asks for a code from your phone each time you sign in. This setup is needed once.</p>
      {details === null ? (
        <p className="alert">This setup code cannot be shown. Cancel and sign in again, or call the IT service desk.</p>
      ) : (
        <div className="enroll-codes">
          <QrCode text={otpauthUri} label="QR code for setting up your authenticator app" />
          <div className="enroll-text">
            <ol className="steps">
              <li>Open the authenticator app your hospital approved.</li>
              <li>Add an account and scan this QR code, or type the setup key.</li>
              <li>Enter the 6-digit code the app shows, then choose Verify.</li>
            </ol>
            <dl className="setup-facts">
              <div>
                <dt id={keyId}>Setup key</dt>
                <dd className="setup-key" aria-labelledby={keyId}>
                  {groupSecret(details.secret)}
                </dd>
              </div>
              {details.account !== null && (
                <div>
                  <dt>Account</dt>
                  <dd>{details.issuer === null ? details.account : `${details.issuer} (${details.account})`}</dd>
                </div>
              )}
              <div>
                <dt>Type</dt>
                <dd>
                  Time-based, {details.digits} digits, every {details.periodSeconds} seconds
                </dd>
              </div>
            </dl>
          </div>
        </div>
      )}
      <AuthenticationCodeForm onVerify={onVerify} onCancel={onCancel} progress={progress} />
    </section>
  );
}
