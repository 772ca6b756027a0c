import { useState } from 'react';
import { Button, Dialog, DialogTrigger, Modal, ModalOverlay } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { describeError } from '../../error-messages';
import { RecallConfirmation } from './RecallConfirmation';

/**
 * `Recall` on one's own message, behind a confirmation: recall cannot be undone, and people who
 * already read the message have seen it. The dialog is modal (focus is trapped and returns).
 */
export function RecallButton({
  bridge,
  messageId,
  onRecalled,
}: {
  readonly bridge: WardlineApi;
  readonly messageId: string;
  readonly onRecalled: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function recall() {
    setBusy(true);
    setError(null);
    const result = await bridge.message.recall({ messageId });
    setBusy(false);
    if (!result.ok) {
      setError(describeError(result.error));
      return;
    }
    setOpen(false);
    onRecalled();
  }

  return (
    <DialogTrigger
      isOpen={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setError(null);
      }}
    >
      <Button className="button button-small button-secondary">Recall</Button>
      <ModalOverlay className="modal-overlay" isDismissable={!busy}>
        <Modal className="modal">
          <Dialog role="alertdialog" className="dialog">
            <RecallConfirmation busy={busy} error={error} onRecall={() => void recall()} />
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
