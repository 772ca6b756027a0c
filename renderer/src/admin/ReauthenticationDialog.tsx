import { useRef, useState, type SubmitEvent } from 'react';
import { Button, Dialog, Heading, Input, Label, Modal, ModalOverlay, Text, TextField } from 'react-aria-components';
import type { IpcResult } from '../../../shared/ipc/result';
import { ErrorAlert } from '../components/ErrorAlert';
import { isCompleteCode, normalizeCode } from '../sign-in/authentication-code';
import { describeAdminError } from './admin-labels';

/**
 * "Confirm it is you": the password and a new authenticator code, asked when the server wants a
 * fresh proof before a destructive action. Main derives and sends the auth key; the password
 * lives in this form's state only while the dialog is open. A wrong answer keeps the dialog open
 * with the reason; `onDone(true)` once the server accepted, `onDone(false)` on Cancel or Escape.
 */
/** Sends the proof to main: the Administration view's channel, or the compliance officer's. */
export type Prove = (proof: { password: string; code: string }) => Promise<IpcResult<unknown>>;

export function ReauthenticationDialog({
  prove,
  isOpen,
  onDone,
}: {
  readonly prove: Prove;
  readonly isOpen: boolean;
  readonly onDone: (proved: boolean) => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      isDismissable={!busy}
      isKeyboardDismissDisabled={busy}
      onOpenChange={(open) => {
        if (!open) onDone(false);
      }}
    >
      <Modal className="modal">
        <Dialog className="dialog">
          <ReauthenticationForm prove={prove} busy={busy} setBusy={setBusy} onDone={onDone} />
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

function ReauthenticationForm({
  prove,
  busy,
  setBusy,
  onDone,
}: {
  readonly prove: Prove;
  readonly busy: boolean;
  readonly setBusy: (busy: boolean) => void;
  readonly onDone: (proved: boolean) => void;
}) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState<'password' | 'code' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  const codeField = useRef<HTMLInputElement>(null);
  // State lands after this event; a ref stops a double Enter at once.
  const pending = useRef(false);

  const refuse = (field: 'password' | 'code', message: string) => {
    setInvalid(field);
    setError(message);
    (field === 'password' ? passwordField : codeField).current?.focus();
  };

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (pending.current) return;
    const normalized = normalizeCode(code);
    if (password.length === 0) return refuse('password', 'Enter your password.');
    if (!isCompleteCode(normalized)) return refuse('code', 'Enter the 6-digit code from your authenticator app.');
    pending.current = true;
    setBusy(true);
    setError(null);
    setInvalid(null);
    const result = await prove({ password, code: normalized });
    pending.current = false;
    setBusy(false);
    if (result.ok) {
      onDone(true);
      return;
    }
    // A code is good once: the next try needs the next one.
    setCode('');
    refuse(result.error.code === 'INVALID_CREDENTIALS' ? 'password' : 'code', describeAdminError(result.error));
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Heading slot="title">Confirm it is you</Heading>
      <p>
        Before this action the server asks for your password and a new code from your authenticator app. Nothing has
        been done yet.
      </p>
      <ErrorAlert message={error} />
      <TextField
        className="field"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
        isInvalid={invalid === 'password'}
      >
        <Label>Password</Label>
        <Input ref={passwordField} autoFocus />
      </TextField>
      <TextField
        className="field"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={9}
        value={code}
        onChange={setCode}
        isInvalid={invalid === 'code'}
      >
        <Label>Authentication code</Label>
        <Text slot="description" className="field-hint">
          6 digits, from the authenticator app on your phone
        </Text>
        <Input ref={codeField} className="reauth-code" spellCheck={false} />
      </TextField>
      <div className="button-row">
        <Button type="submit" className="button button-primary" isDisabled={busy}>
          {busy ? 'Checking…' : 'Confirm and continue'}
        </Button>
        <Button className="button button-secondary" isDisabled={busy} onPress={() => onDone(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
