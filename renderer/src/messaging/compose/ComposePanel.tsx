import { useId, useRef, useState, type KeyboardEvent, type SubmitEvent } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { Participant } from '../../../../shared/ipc/contract';
import type { Priority } from '../../../../shared/protocol/envelope';
import { ErrorAlert } from '../../components/ErrorAlert';
import { describeError } from '../../error-messages';
import { MessageField } from '../message/MessageField';
import { KeyChangeWarning } from '../thread/KeyChangeWarning';
import { ExpiryField } from './ExpiryField';
import { EMPTY_PATIENT, patientFromForm, type PatientForm } from './patient-choice';
import { PatientFields } from './PatientFields';
import { PriorityField } from './PriorityField';
import { AcknowledgementRequestField } from '../message/AcknowledgementRequestField';
import type { RecipientChoice } from './recipient-choice';
import { notPermittedText } from './refused-recipients';
import { RecipientPicker } from './RecipientPicker';
import { coverNotices } from '../../availability/availability-labels';
import { useNow } from '../use-now';
import type { IdentifierKind } from '../../../../shared/text/identifier-guard/identifier-kinds';
import { FlaggedIdentifiers } from '../guard/FlaggedIdentifiers';
import { IdentifierWarningDialog } from '../guard/IdentifierWarningDialog';
import { PatientContextNote } from '../guard/PatientContextNote';
import { useIdentifierGuard } from '../guard/use-identifier-guard';
import { ComposeAttachments } from '../attachments/ComposeAttachments';
import { STILL_ATTACHING } from '../attachments/attachment-words';
import { useAttachmentDrafts } from '../attachments/use-attachment-drafts';
import { TemplateMessage } from '../templates/TemplateMessage';
import { useMessageTemplates } from '../templates/use-message-templates';
import '../../availability/availability.css';
import './compose.css';

/**
 * A new conversation: `To`, optional `Subject` and `Patient`, `Message`, `Priority`, `Expires`, then `Send`
 * (or Ctrl+Enter anywhere in the form). `Cancel` or Escape closes it; on success the new
 * conversation opens.
 */
export function ComposePanel({
  bridge,
  selfId,
  onClose,
  onSent,
}: {
  readonly bridge: WardlineApi;
  readonly selfId: string;
  readonly onClose: () => void;
  /** `notReached`: the names of role members left out because they cannot receive yet. */
  readonly onSent: (conversationId: string, notReached: readonly string[]) => void;
}) {
  const [recipients, setRecipients] = useState<readonly RecipientChoice[]>([]);
  const [subject, setSubject] = useState('');
  const [patientForm, setPatientForm] = useState<PatientForm>(EMPTY_PATIENT);
  const [patientError, setPatientError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [priority, setPriority] = useState<Priority>('routine');
  const [askAcknowledgement, setAskAcknowledgement] = useState(false);
  const [expiry, setExpiry] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Recipients whose security key changed: named here so they can be reviewed without leaving compose.
  const [keyChanged, setKeyChanged] = useState<readonly Participant[]>([]);
  const [invalid, setInvalid] = useState<{ readonly to: boolean; readonly text: boolean }>({ to: false, text: false });
  const id = useId();
  const now = useNow();
  const attachments = useAttachmentDrafts(bridge);
  const templates = useMessageTemplates(bridge);
  const guard = useIdentifierGuard(bridge, [
    { id: `${id}-subject`, text: subject },
    { id: `${id}-message`, text },
  ]);
  // State updates land after this event; a ref stops a second submit in the same tick.
  const sending = useRef(false);
  // The patient the Patient fields name, once they are valid: the text then needs no name or MRN.
  const chosenPatient = patientFromForm(patientForm);
  const patientNote =
    chosenPatient.ok && chosenPatient.value !== null ? (
      <PatientContextNote label={chosenPatient.value.label} starting />
    ) : undefined;

  function submit(event: SubmitEvent) {
    event.preventDefault();
    void send();
  }

  async function send(guardOverride?: IdentifierKind[]) {
    if (sending.current) return;
    // A message may be files only.
    const message = templates.body(text, attachments.readyIds.length > 0);
    const missing = { to: recipients.length === 0, text: !message.ok };
    setInvalid(missing);
    if (attachments.busy) {
      setError(STILL_ATTACHING);
      return;
    }
    if (!message.ok || missing.to) {
      setError(missing.to ? 'Add at least one recipient.' : message.ok ? null : message.error);
      return;
    }
    const patient = patientFromForm(patientForm);
    setPatientError(patient.ok ? null : patient.error.message);
    if (!patient.ok) {
      setError('Check the patient reference.');
      document.getElementById(`${id}-patient-ref`)?.focus();
      return;
    }
    sending.current = true;
    setBusy(true);
    setError(null);
    const result = await bridge.message.send({
      to: recipients.map((choice) => choice.recipient),
      title: subject.trim() === '' || templates.only ? null : subject.trim(),
      patient: patient.value,
      text: message.text,
      ...(message.template === undefined ? {} : { template: message.template }),
      priority,
      expiresInSeconds: expiry,
      acknowledgementRequested: askAcknowledgement,
      ...(guardOverride === undefined ? {} : { guardOverride }),
      ...attachments.request,
    });
    sending.current = false;
    setBusy(false);
    if (result.ok) attachments.sent();
    if (result.ok) onSent(result.value.conversationId, namesOf(recipients, result.value.notReached));
    // The check's own words go under the message (FlaggedIdentifiers), not in the error line.
    else if (!guard.refused(result.error)) {
      if (result.error.code === 'TEMPLATE_UNAVAILABLE') templates.refresh();
      setError(
        result.error.code === 'RECIPIENT_NOT_PERMITTED'
          ? notPermittedText(recipients, result.error.subjects ?? [])
          : describeError(result.error),
      );
      if (result.error.code === 'KEY_CHANGED') setKeyChanged(changedPeople(recipients, result.error.subjects ?? []));
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    // The Message field handles its own Ctrl+Enter (and marks it handled).
    if (event.defaultPrevented) return;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.currentTarget.requestSubmit();
    } else if (event.key === 'Escape' && !busy && !closesPopup(event.target)) {
      onClose();
    }
  }

  return (
    <section className="compose" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>New message</h2>
      <form onSubmit={submit} onKeyDown={onKeyDown} noValidate>
        <RecipientPicker
          bridge={bridge}
          selfId={selfId}
          recipients={recipients}
          onChange={setRecipients}
          invalid={invalid.to}
          autoFocus
        />
        {/* Before sending: who else will receive it (main adds the cover: main/messaging/cover-recipients.ts). */}
        <div aria-live="polite" className="cover-notices">
          {coverNotices(
            recipients.filter((choice) => choice.recipient.kind === 'user'),
            now,
          ).map((notice) => (
            <p key={notice} className="cover-notice">
              {notice}
            </p>
          ))}
        </div>
        {/* A role restricted to templates writes no subject either: it would be free text. */}
        {!templates.only && (
          <div className="field">
            <label htmlFor={`${id}-subject`}>
              Subject <span className="optional">(optional)</span>
            </label>
            <input
              id={`${id}-subject`}
              maxLength={200}
              value={subject}
              onChange={(event) => setSubject(event.target.value)}
            />
          </div>
        )}
        <PatientFields
          id={`${id}-patient`}
          value={patientForm}
          onChange={(value) => {
            // The complaint was about what was there before: a corrected field stops being red.
            setPatientForm(value);
            setPatientError(null);
          }}
          error={patientError}
        />
        <TemplateMessage templates={templates}>
          <MessageField
            id={`${id}-message`}
            value={text}
            onChange={setText}
            invalid={invalid.text || (guard.blocked !== null && (guard.flagged?.length ?? 0) > 0)}
            describedBy={[
              patientNote === undefined ? null : `${id}-patient-note`,
              guard.flagged ? `${id}-flagged` : null,
            ]
              .filter((part) => part !== null)
              .join(' ')}
            rows={6}
          />
        </TemplateMessage>
        {patientNote !== undefined && (
          <p id={`${id}-patient-note`} className="field-hint compose-patient-note">
            {patientNote}
          </p>
        )}
        <FlaggedIdentifiers id={`${id}-flagged`} guard={guard} />
        <ComposeAttachments drafts={attachments} id={`${id}-attachments`} />
        <div className="compose-options">
          <PriorityField value={priority} onChange={setPriority} />
          <ExpiryField id={`${id}-expiry`} value={expiry} onChange={setExpiry} />
          <AcknowledgementRequestField
            id={`${id}-ack`}
            priority={priority}
            checked={askAcknowledgement}
            onChange={setAskAcknowledgement}
          />
        </div>
        <KeyChangeWarning
          bridge={bridge}
          participants={keyChanged}
          onAccepted={() => {
            setKeyChanged([]);
            setError(null);
            return Promise.resolve();
          }}
        />
        <ErrorAlert message={error} />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Sending…' : 'Send'}
          </button>
          <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <span className="field-hint">Ctrl+Enter sends</span>
        </div>
        <IdentifierWarningDialog
          found={guard.warning}
          patientNote={patientNote}
          onSendAnyway={() => void send(guard.sendAnyway())}
          onEdit={guard.edit}
        />
      </form>
    </section>
  );
}

/** An Escape aimed at an open list (the To field's suggestions) closes that list, not the form. */
function closesPopup(target: EventTarget): boolean {
  return target instanceof HTMLElement && target.getAttribute('aria-expanded') === 'true';
}

function namesOf(recipients: readonly RecipientChoice[], userIds: readonly string[]): string[] {
  const names = new Map(
    recipients.flatMap((choice) => choice.people.map((person) => [person.userId, person.name] as const)),
  );
  return userIds.map((userId) => names.get(userId) ?? userId);
}

function changedPeople(recipients: readonly RecipientChoice[], userIds: readonly string[]): Participant[] {
  const names = new Map(
    recipients.flatMap((choice) => choice.people.map((person) => [person.userId, person.name] as const)),
  );
  return userIds.map((userId) => ({
    userId,
    displayName: names.get(userId) ?? userId,
    role: null,
    department: null,
    title: null,
    keyChanged: true,
  }));
}
