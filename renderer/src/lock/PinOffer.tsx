import { useId, useState } from 'react';
import { Button, Dialog, DialogTrigger, Modal, ModalOverlay } from 'react-aria-components';
import type { WardlineApi } from '../../../preload/api-factory';
import type { SessionState } from '../../../shared/ipc/contract';
import { PinSetup } from './PinSetup';
import './lock.css';

/**
 * The PIN offer after a first sign-in: one line above the work, never a card that pushes the
 * thread off a ward screen. `Set a PIN…` opens the PIN form in a modal dialog (focus trapped,
 * Escape closes, focus back on the button); `Not now` hides the offer for this session.
 * Once a PIN is set the session no longer offers one and this unmounts (the screen then puts
 * focus on `main`).
 */
export function PinOffer({
  bridge,
  minLength,
  onDone,
  onDismiss,
}: {
  readonly bridge: WardlineApi;
  readonly minLength: number;
  readonly onDone: (state: SessionState) => void;
  readonly onDismiss: () => void;
}) {
  const [open, setOpen] = useState(false);
  const textId = useId();
  const headingId = useId();
  return (
    <section className="pin-offer" aria-label="Choose an unlock PIN">
      <p id={textId} className="pin-offer-text">
        Set an unlock PIN so Wardline unlocks quickly when it locks.
      </p>
      <DialogTrigger isOpen={open} onOpenChange={setOpen}>
        <Button className="button button-primary button-small" aria-describedby={textId}>
          Set a PIN…
        </Button>
        <ModalOverlay className="modal-overlay" isDismissable={false}>
          <Modal className="modal modal-pin">
            <Dialog className="dialog" aria-labelledby={headingId}>
              <PinSetup
                bridge={bridge}
                minLength={minLength}
                needsPassword={false}
                headingId={headingId}
                dismissLabel="Cancel"
                onDone={onDone}
                onDismiss={() => setOpen(false)}
              />
            </Dialog>
          </Modal>
        </ModalOverlay>
      </DialogTrigger>
      <button type="button" className="button button-secondary button-small" onClick={onDismiss}>
        Not now
      </button>
    </section>
  );
}
