import { useState, type ReactNode } from 'react';
import { Button, Dialog, DialogTrigger, Modal, ModalOverlay } from 'react-aria-components';

/** The button that opens a confirmation, and what confirming does. */
export interface ConfirmationTrigger {
  readonly label: string;
  /** When the visible label alone does not say what it acts on (`End` beside each session). */
  readonly accessibleLabel?: string;
  readonly isDisabled?: boolean;
  readonly onConfirm: () => void;
}

/**
 * The frame every confirmation shares: the button that opens it, and a modal WAI-ARIA alertdialog
 * (focus trapped, returned to the button on close; Escape or a click outside cancels). Confirming
 * closes it before the action starts, since the action's outcome is shown where the button is
 * and the server may first ask the admin to prove who they are.
 */
export function ConfirmationFrame({
  label,
  accessibleLabel,
  isDisabled = false,
  tone,
  onConfirm,
  children,
}: ConfirmationTrigger & {
  /** `normal` for an action that undoes nothing (a new enrollment code): not dressed as a danger. */
  readonly tone: 'danger' | 'normal';
  /** The dialog's content, given `confirm`: what its confirm button calls. */
  readonly children: (confirm: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  function confirm() {
    setOpen(false);
    onConfirm();
  }
  return (
    <DialogTrigger isOpen={open} onOpenChange={setOpen}>
      <Button
        className={`button button-small ${tone === 'danger' ? 'button-danger-quiet' : 'button-secondary'}`}
        isDisabled={isDisabled}
        {...(accessibleLabel === undefined ? {} : { 'aria-label': accessibleLabel })}
      >
        {label}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog role="alertdialog" className="dialog">
            {children(confirm)}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
