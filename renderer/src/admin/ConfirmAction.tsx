import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';

/**
 * A button whose action waits for a confirmation that says exactly what will happen. The dialog
 * is modal (focus trapped, returned on close) and opens on the safe choice, Cancel (WAI-ARIA
 * alertdialog). Confirming closes it and starts the action; its outcome is shown where the
 * button is, since the server may first ask the admin to prove who they are.
 */
export function ConfirmAction({
  label,
  accessibleLabel,
  title,
  confirmLabel,
  isDisabled = false,
  tone = 'danger',
  onConfirm,
  children,
}: {
  readonly label: string;
  /** When the visible label alone does not say what it acts on (`End` beside each session). */
  readonly accessibleLabel?: string;
  readonly title: string;
  readonly confirmLabel: string;
  readonly isDisabled?: boolean;
  /** `normal` for an action that undoes nothing (a new enrollment code): not dressed as a danger. */
  readonly tone?: 'danger' | 'normal';
  readonly onConfirm: () => void;
  /** What happens, in full. */
  readonly children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const danger = tone === 'danger';
  return (
    <DialogTrigger isOpen={open} onOpenChange={setOpen}>
      <Button
        className={`button button-small ${danger ? 'button-danger-quiet' : 'button-secondary'}`}
        isDisabled={isDisabled}
        {...(accessibleLabel === undefined ? {} : { 'aria-label': accessibleLabel })}
      >
        {label}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog role="alertdialog" className="dialog">
            <ConfirmBody
              title={title}
              confirmLabel={confirmLabel}
              danger={danger}
              onConfirm={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              {children}
            </ConfirmBody>
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
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
