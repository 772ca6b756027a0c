import { useState, type ReactNode } from 'react';
import { Button, Dialog, DialogTrigger, Modal, ModalOverlay } from 'react-aria-components';

/**
 * A New… dialog: the button that opens it, and a wide modal that a click outside does not close
 * (it would drop a half-filled form, or a code shown once). Focus returns to the button on close.
 */
export function NewEntryDialog({
  label,
  onClosed,
  children,
}: {
  readonly label: string;
  /** Whichever way it closed: what it held is dropped. */
  readonly onClosed?: () => void;
  /** The dialog's content, given `close`. */
  readonly children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  function openChange(next: boolean) {
    setOpen(next);
    if (!next) onClosed?.();
  }
  return (
    <DialogTrigger isOpen={open} onOpenChange={openChange}>
      <Button className="button button-secondary">{label}</Button>
      <ModalOverlay className="modal-overlay" isDismissable={false}>
        <Modal className="modal modal-wide">
          <Dialog className="dialog">{children(() => openChange(false))}</Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

/** A New… form's own buttons: Create (waiting while it sends) and Cancel. */
export function CreateButtons({
  label,
  busy,
  onCancel,
}: {
  readonly label: string;
  readonly busy: boolean;
  readonly onCancel: () => void;
}) {
  return (
    <div className="button-row">
      <Button type="submit" className="button button-primary" isDisabled={busy}>
        {busy ? 'Creating…' : label}
      </Button>
      <Button className="button button-secondary" isDisabled={busy} onPress={onCancel}>
        Cancel
      </Button>
    </div>
  );
}
