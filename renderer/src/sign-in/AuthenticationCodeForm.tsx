import { useId, useRef, useState, type SubmitEvent } from 'react';
import type { SignInProgress } from '../../../shared/ipc/contract';
import { ErrorAlert } from '../components/ErrorAlert';
import { SignInProgressNote } from './SignInProgressNote';
import { isCompleteCode, normalizeCode } from './authentication-code';

/**
 * The `Authentication code` field with `Verify` and `Cancel`, shared by the second-factor and
 * enrollment steps. Focus starts in the field; after a wrong code the field is emptied and
 * focused again so the next code can be typed at once.
 */
export function AuthenticationCodeForm({
  onVerify,
  onCancel,
  progress,
}: {
  readonly onVerify: (code: string) => Promise<string | null>;
  readonly onCancel: () => Promise<void>;
  readonly progress: SignInProgress | null;
}) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const errorId = useId();
  // State updates land after this event; a ref stops a second submit (a double Enter) at once.
  const pending = useRef(false);
  const hintId = useId();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (pending.current) return;
    const normalized = normalizeCode(code);
    if (!isCompleteCode(normalized)) {
      setError('Enter the 6-digit code from your authenticator app.');
      field.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    pending.current = true;
    const failure = await onVerify(normalized);
    pending.current = false;
    setBusy(false);
    if (failure !== null) {
      setError(failure);
      setCode('');
      field.current?.focus();
    }
  }

  async function cancel() {
    setBusy(true);
    await onCancel();
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <div className="field">
        <label htmlFor="authentication-code">Authentication code</label>
        <span id={hintId} className="field-hint">
          6 digits, from the authenticator app on your phone
        </span>
        {/* Between hint and field, so it is on screen whenever the field is. */}
        <ErrorAlert id={errorId} message={error} />
        <input
          ref={field}
          id="authentication-code"
          name="code"
          className="code-input"
          autoFocus
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={9}
          spellCheck={false}
          value={code}
          onChange={(event) => setCode(event.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error ? `${hintId} ${errorId}` : hintId}
        />
      </div>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? 'Checking…' : 'Verify'}
        </button>
        <button type="button" className="button button-secondary" disabled={busy} onClick={() => void cancel()}>
          Cancel
        </button>
      </div>
      <SignInProgressNote step={busy ? progress : null} secret="password" />
    </form>
  );
}
