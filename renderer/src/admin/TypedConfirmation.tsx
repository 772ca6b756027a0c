import { useState, type ReactNode, type SubmitEvent } from 'react';
import { Button, FieldError, Heading, Input, Label, TextField } from 'react-aria-components';
import { ShownText } from '../components/ShownText';
import { ConfirmationFrame, type ConfirmationTrigger } from './ConfirmationFrame';
import { typedMatches } from './typed-match';

/**
 * A button whose action waits until the admin has read what happens and typed the name of what
 * it happens to: for actions that cannot be undone on a thing chosen from a list (revoke a
 * workstation; wipe one). The dialog (ConfirmationFrame) starts in the field; Confirm checks the
 * name and says so if it does not match, rather than sitting disabled where a keyboard cannot
 * reach it. Closing drops what was typed.
 */
export function TypedConfirmation({
  title,
  confirmLabel,
  expected,
  expectedWhat,
  children,
  ...trigger
}: ConfirmationTrigger & {
  readonly title: string;
  readonly confirmLabel: string;
  /** What must be typed: the thing's name as shown. */
  readonly expected: string;
  /** What that text is, for the field's label ("the workstation's name"). */
  readonly expectedWhat: string;
  /** What happens, in full. */
  readonly children: ReactNode;
}) {
  return (
    <ConfirmationFrame {...trigger} tone="danger">
      {(confirm) => (
        <TypedBody
          title={title}
          confirmLabel={confirmLabel}
          expected={expected}
          expectedWhat={expectedWhat}
          onConfirm={confirm}
        >
          {children}
        </TypedBody>
      )}
    </ConfirmationFrame>
  );
}

function TypedBody({
  title,
  confirmLabel,
  expected,
  expectedWhat,
  onConfirm,
  children,
}: {
  readonly title: string;
  readonly confirmLabel: string;
  readonly expected: string;
  readonly expectedWhat: string;
  readonly onConfirm: () => void;
  readonly children: ReactNode;
}) {
  const [typed, setTyped] = useState('');
  const [mismatch, setMismatch] = useState(false);

  function submit(event: SubmitEvent) {
    event.preventDefault();
    if (typedMatches(typed, expected)) onConfirm();
    else setMismatch(true);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Heading slot="title">{title}</Heading>
      <div className="confirm-text">{children}</div>
      <TextField
        className="field"
        value={typed}
        onChange={(value) => {
          setTyped(value);
          setMismatch(false);
        }}
        isInvalid={mismatch}
      >
        <Label>
          To confirm, type {expectedWhat}: <ShownText text={expected} className="typed-expected" />
        </Label>
        <Input autoFocus spellCheck={false} autoComplete="off" maxLength={300} />
        <FieldError className="field-error">That does not match. Type it as shown above the field.</FieldError>
      </TextField>
      <div className="button-row">
        <Button type="submit" className="button button-danger">
          {confirmLabel}
        </Button>
        <Button className="button button-secondary" slot="close">
          Cancel
        </Button>
      </div>
    </form>
  );
}
