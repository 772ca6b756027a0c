import { useId, useRef, useState, type SubmitEvent } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { Priority } from '../../../../shared/protocol/envelope';
import { ErrorAlert } from '../../components/ErrorAlert';
import { describeError } from '../../error-messages';
import { MessageField } from '../message/MessageField';
import { AcknowledgementRequestField } from '../message/AcknowledgementRequestField';
import { PrioritySelect } from '../message/PrioritySelect';

/**
 * The reply box under a thread: `Message`, `Priority`, `Ask for acknowledgement`, `Send` (or Ctrl+Enter). One line high on
 * a ward screen, growing as it is typed in (CSS, thread.css). The text stays if sending fails
 * (KEY_CHANGED, a recipient unavailable) so nothing typed is lost.
 */
export function ReplyBox({
  bridge,
  conversationId,
  onSent,
  onKeyChanged,
}: {
  readonly bridge: WardlineApi;
  readonly conversationId: string;
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
  // State updates land after this event; a ref stops a second submit in the same tick.
  const sending = useRef(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (sending.current) return;
    if (text.trim() === '') {
      setInvalid(true);
      setError('Write a message first.');
      return;
    }
    sending.current = true;
    setBusy(true);
    setInvalid(false);
    setError(null);
    const result = await bridge.message.send({
      conversationId,
      text,
      priority,
      expiresInSeconds: null,
      acknowledgementRequested: askAcknowledgement,
    });
    sending.current = false;
    setBusy(false);
    if (!result.ok) {
      setError(describeError(result.error));
      if (result.error.code === 'KEY_CHANGED') onKeyChanged();
      return;
    }
    setText('');
    setPriority('routine');
    setAskAcknowledgement(false);
    onSent();
  }

  return (
    <form className="reply" onSubmit={(event) => void submit(event)} noValidate aria-label="Reply">
      <MessageField
        id={fieldId}
        value={text}
        onChange={setText}
        invalid={invalid}
        describedBy={error ? `${hintId} ${errorId}` : hintId}
        rows={1}
      />
      <ErrorAlert id={errorId} message={error} />
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
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
