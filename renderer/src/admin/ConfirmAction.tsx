import { useEffect, useRef, type ReactNode } from 'react';
import { Button, Heading } from 'react-aria-components';
import { ConfirmationFrame, type ConfirmationTrigger } from './ConfirmationFrame';

/**
 * A button whose action waits for a confirmation that says exactly what will happen
 * (ConfirmationFrame). The dialog opens on the safe choice, Cancel.
 */
export function ConfirmAction({
  title,
  confirmLabel,
  tone = 'danger',
  children,
  ...trigger
}: ConfirmationTrigger & {
  readonly title: string;
  readonly confirmLabel: string;
  /** `normal` for an action that undoes nothing (a new enrollment code): not dressed as a danger. */
  readonly tone?: 'danger' | 'normal';
  /** What happens, in full. */
  readonly children: ReactNode;
}) {
  return (
    <ConfirmationFrame {...trigger} tone={tone}>
      {(confirm) => (
        <ConfirmBody title={title} confirmLabel={confirmLabel} danger={tone === 'danger'} onConfirm={confirm}>
          {children}
        </ConfirmBody>
      )}
    </ConfirmationFrame>
  );
}

function ConfirmBody({
  title,
  confirmLabel,
  danger,
  onConfirm,
  children,
}: {
  readonly title: string;
  readonly confirmLabel: string;
  readonly danger: boolean;
  readonly onConfirm: () => void;
  readonly children: ReactNode;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  // This child's effect runs before the dialog's own, which then leaves focus where it is.
  useEffect(() => cancel.current?.focus(), []);
  return (
    <>
      <Heading slot="title">{title}</Heading>
      <div className="confirm-text">{children}</div>
      <div className="button-row">
        <Button className={`button ${danger ? 'button-danger' : 'button-primary'}`} onPress={onConfirm}>
          {confirmLabel}
        </Button>
        <Button ref={cancel} className="button button-secondary" slot="close">
          Cancel
        </Button>
      </div>
    </>
  );
}
