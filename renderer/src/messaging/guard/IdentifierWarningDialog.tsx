import { useEffect, useRef, type ReactNode } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import type { IdentifierCount } from '../../../../shared/text/identifier-guard/identifier-kinds';
import { warningDetail, warningQuestion } from './identifier-words';
import './guard.css';

/**
 * "This message contains a social security number. Send anyway?" A modal WAI-ARIA alertdialog:
 * focus starts on Edit message, the safe choice, and Escape means the same. Send anyway sends
 * with the kinds acknowledged; main checks them against the text again.
 */
export function IdentifierWarningDialog({
  found,
  patientNote,
  onSendAnyway,
  onEdit,
}: {
  /** Open while set. */
  readonly found: readonly IdentifierCount[] | null;
  /** In a conversation about a patient: that no name or MRN is needed. */
  readonly patientNote?: ReactNode;
  readonly onSendAnyway: () => void;
  readonly onEdit: () => void;
}) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={found !== null}
      isDismissable
      onOpenChange={(open) => {
        if (!open) onEdit();
      }}
    >
      <Modal className="modal modal-guard">
        <Dialog role="alertdialog" className="dialog guard-dialog">
          {found !== null && (
            <WarningBody found={found} patientNote={patientNote} onSendAnyway={onSendAnyway} onEdit={onEdit} />
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

function WarningBody({
  found,
  patientNote,
  onSendAnyway,
  onEdit,
}: {
  readonly found: readonly IdentifierCount[];
  readonly patientNote: ReactNode;
  readonly onSendAnyway: () => void;
  readonly onEdit: () => void;
}) {
  const edit = useRef<HTMLButtonElement>(null);
  // Before the dialog's own focus: this child's effect runs first (see RecallConfirmation).
  useEffect(() => edit.current?.focus(), []);
  return (
    <>
      <Heading slot="title">{warningQuestion(found)}</Heading>
      <p>{warningDetail(found)}</p>
      {patientNote !== undefined && <p className="guard-patient-note">{patientNote}</p>}
      <div className="button-row">
        <Button ref={edit} className="button button-primary" onPress={onEdit}>
          Edit message
        </Button>
        <Button className="button button-warning" onPress={onSendAnyway}>
          Send anyway
        </Button>
      </div>
    </>
  );
}
