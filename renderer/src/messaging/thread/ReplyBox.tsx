import { useId, useRef, useState, type SubmitEvent } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { PatientContext, Priority } from '../../../../shared/protocol/envelope';
import type { IdentifierKind } from '../../../../shared/text/identifier-guard/identifier-kinds';
import { ErrorAlert } from '../../components/ErrorAlert';
import { describeError } from '../../error-messages';
import { FlaggedIdentifiers } from '../guard/FlaggedIdentifiers';
import { IdentifierWarningDialog } from '../guard/IdentifierWarningDialog';
import { PatientContextNote } from '../guard/PatientContextNote';
import { useIdentifierGuard } from '../guard/use-identifier-guard';
import { MessageField } from '../message/MessageField';
import { AcknowledgementRequestField } from '../message/AcknowledgementRequestField';
import { PrioritySelect } from '../message/PrioritySelect';
import { AttachButton } from '../attachments/AttachButton';
import { DraftList } from '../attachments/DraftList';
import { STILL_ATTACHING } from '../attachments/attachment-words';
import { useAttachmentDrafts } from '../attachments/use-attachment-drafts';
import { TemplateMessage } from '../templates/TemplateMessage';
import { useMessageTemplates } from '../templates/use-message-templates';

/**
 * The reply box under a thread: `Message`, `Priority`, `Ask for acknowledgement`, `Send` (or Ctrl+Enter). One line high on
 * a ward screen, growing as it is typed in (CSS, thread.css). The text stays if sending fails
 * (KEY_CHANGED, a recipient unavailable, an identifier to check) so nothing typed is lost. In a
 * conversation about a patient it says that the text needs no name or MRN.
 */
export function ReplyBox({
  bridge,
  conversationId,
  patient,
  onSent,
  onKeyChanged,
}: {
  readonly bridge: WardlineApi;
  readonly conversationId: string;
  /** The patient the conversation is about, if its starter named one. */
  readonly patient: PatientContext | null;
  readonly onSent: () => void;
  /** Sending was refused because a key changed: the thread asks again so its warning shows. */
  readonly onKeyChanged: () => void;
}) {
  const [text, setText] = useState('');
  const [priority, setPriority] = useState<Priority>('routine');
  const [askAcknowledgement, setAskAcknowledgement] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  const fieldId = useId();
  const errorId = useId();
  const hintId = useId();
  const patientId = useId();
  const flaggedId = useId();
  const guard = useIdentifierGuard(bridge, [{ id: fieldId, text }]);
  const attachments = useAttachmentDrafts(bridge);
  const templates = useMessageTemplates(bridge);
  // State updates land after this event; a ref stops a second submit in the same tick.
  const sending = useRef(false);

  async function send(guardOverride?: IdentifierKind[]) {
    if (sending.current) return;
    // A message may be files only.
    const message = templates.body(text, attachments.readyIds.length > 0);
    if (!message.ok) {
      setInvalid(true);
      setError(message.error);
      return;
    }
    if (attachments.busy) {
      setError(STILL_ATTACHING);
      return;
    }
    sending.current = true;
    setBusy(true);
    setInvalid(false);
    setError(null);
    const result = await bridge.message.send({
      conversationId,
      text: message.text,
      ...(message.template === undefined ? {} : { template: message.template }),
      priority,
      expiresInSeconds: null,
      acknowledgementRequested: askAcknowledgement,
      ...(guardOverride === undefined ? {} : { guardOverride }),
      ...attachments.request,
    });
    sending.current = false;
    setBusy(false);
    if (!result.ok) {
      // The check's own words go under the message (FlaggedIdentifiers), not in the error line.
      if (guard.refused(result.error)) return;
      if (result.error.code === 'TEMPLATE_UNAVAILABLE') templates.refresh();
      setError(describeError(result.error));
      if (result.error.code === 'KEY_CHANGED') onKeyChanged();
      return;
    }
    setText('');
    attachments.sent();
    templates.clear();
    setPriority('routine');
    setAskAcknowledgement(false);
    guard.reset();
    onSent();
  }

  function submit(event: SubmitEvent) {
    event.preventDefault();
    void send();
  }

  // Said when it matters, beside what was flagged: a line always shown would cost the ward screen a message.
  const showPatientNote = patient !== null && (guard.flagged?.length ?? 0) > 0;
  const describedBy = [
    hintId,
    showPatientNote ? patientId : null,
    error ? errorId : null,
    guard.flagged ? flaggedId : null,
  ]
    .filter((part) => part !== null)
    .join(' ');
  const patientNote = patient === null ? undefined : <PatientContextNote label={patient.label} />;
  return (
    <form className="reply" onSubmit={submit} noValidate aria-label="Reply">
      <TemplateMessage templates={templates}>
        <MessageField
          id={fieldId}
          value={text}
          onChange={setText}
          invalid={invalid || (guard.blocked !== null && (guard.flagged?.length ?? 0) > 0)}
          describedBy={describedBy}
          rows={1}
        />
      </TemplateMessage>
      {showPatientNote && (
        <p id={patientId} className="field-hint reply-patient-note">
          {patientNote}
        </p>
      )}
      <ErrorAlert id={errorId} message={error} />
      <DraftList drafts={attachments} />
      <FlaggedIdentifiers id={flaggedId} guard={guard} />
      <div className="reply-actions">
        <PrioritySelect id={`${fieldId}-priority`} value={priority} onChange={setPriority} />
        <AcknowledgementRequestField
          id={`${fieldId}-ack`}
          priority={priority}
          checked={askAcknowledgement}
          onChange={setAskAcknowledgement}
        />
        <span id={hintId} className="field-hint">
          Ctrl+Enter sends
        </span>
        <AttachButton drafts={attachments} compact />
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? 'Sending…' : 'Send'}
        </button>
      </div>
      <IdentifierWarningDialog
        found={guard.warning}
        patientNote={patientNote}
        onSendAnyway={() => void send(guard.sendAnyway())}
        onEdit={guard.edit}
      />
    </form>
  );
}
