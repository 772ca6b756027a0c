import { useId, useState, type SubmitEvent } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { SessionState } from '../../../shared/ipc/contract';
import { ErrorAlert } from '../components/ErrorAlert';
import { describeError } from '../error-messages';
import './lock.css';

/**
 * Choosing the PIN that unlocks this workstation when it locks itself. Right after a full
 * sign-in it needs no password (`offered`); otherwise the password confirms who is changing it.
 * In Settings it is a section of its own; in the PIN offer's dialog (`headingId` given) the
 * dialog is named by its heading and the first field takes focus.
 */
export function PinSetup({
  bridge,
  minLength,
  needsPassword,
  onDone,
  onDismiss,
  dismissLabel = 'Not now',
  headingId,
}: {
  readonly bridge: WardlineApi;
  readonly minLength: number;
  readonly needsPassword: boolean;
  readonly onDone: (state: SessionState) => void;
  readonly onDismiss: (() => void) | null;
  readonly dismissLabel?: string;
  /** Set when a dialog holds the form and is named by its heading. */
  readonly headingId?: string;
}) {
  const id = useId();
  const inDialog = headingId !== undefined;
  const Container = inDialog ? 'div' : 'section';
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!new RegExp(`^\\d{${String(minLength)},12}$`).test(pin)) {
      setError(`Use ${String(minLength)} to 12 digits.`);
      return;
    }
    if (pin !== again) {
      setError('The two PINs are not the same.');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await bridge.session.setPin({ pin, password: needsPassword ? password : null });
    setBusy(false);
    setPin('');
    setAgain('');
    setPassword('');
    if (result.ok) onDone(result.value);
    else setError(describeError(result.error));
  }

  return (
    <Container
      className={inDialog ? 'pin-setup' : 'card pin-setup'}
      aria-labelledby={inDialog ? undefined : `${id}-heading`}
    >
      <h2 id={headingId ?? `${id}-heading`}>{needsPassword ? 'Change your unlock PIN' : 'Choose an unlock PIN'}</h2>
      <p className="hint">
        Wardline locks itself when you step away. A PIN of {minLength} or more digits unlocks it quickly; your password
        always works too.
      </p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-pin`}>New PIN</label>
            <input
              id={`${id}-pin`}
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={12}
              // The dialog opened for this one field; Settings does not move focus on its own.
              autoFocus={inDialog}
              value={pin}
              onChange={(e) => setPin(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-again`}>Repeat PIN</label>
            <input
              id={`${id}-again`}
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={12}
              value={again}
              onChange={(e) => setAgain(e.target.value)}
            />
          </div>
          {needsPassword && (
            <div className="field">
              <label htmlFor={`${id}-password`}>Password</label>
              <input
                id={`${id}-password`}
                type="password"
                autoComplete="current-password"
                maxLength={1024}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
          )}
        </div>
        <ErrorAlert message={error} />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
            Set PIN
          </button>
          {onDismiss && (
            <button type="button" className="button button-secondary" onClick={onDismiss} disabled={busy}>
              {dismissLabel}
            </button>
          )}
        </div>
      </form>
    </Container>
  );
}
