import { useRef, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { QuickReply } from '../../../../shared/protocol/acknowledgement';
import { describeError } from '../../error-messages';
import { QUICK_REPLY_OPTIONS } from '../message/acknowledgement-label';

/**
 * `Acknowledge`, or acknowledge with a quick reply ("On my way", "Call me", "Seen, will review"),
 * under a message that asks for it. One press sends: acknowledging is what a nurse waits for, so
 * it takes no confirmation, and a second press while the first is on its way is ignored.
 */
export function AcknowledgeActions({
  bridge,
  messageId,
  onAcknowledged,
}: {
  readonly bridge: WardlineApi;
  readonly messageId: string;
  readonly onAcknowledged: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sending = useRef(false);

  async function acknowledge(reply: QuickReply | null) {
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(null);
    const result = await bridge.message.acknowledge({ messageId, reply });
    sending.current = false;
    setBusy(false);
    if (!result.ok) {
      setError(describeError(result.error));
      return;
    }
    onAcknowledged();
  }

  return (
    <div className="acknowledge" role="group" aria-label="Acknowledge this message">
      <button
        type="button"
        className="button button-primary button-small"
        disabled={busy}
        aria-busy={busy}
        onClick={() => void acknowledge(null)}
      >
        Acknowledge
      </button>
      {QUICK_REPLY_OPTIONS.map((option) => (
        <button
          key={option.reply}
          type="button"
          className="button button-secondary button-small"
          disabled={busy}
          aria-label={`Acknowledge: ${option.label}`}
          onClick={() => void acknowledge(option.reply)}
        >
          {option.label}
        </button>
      ))}
      {error !== null && (
        <p className="acknowledge-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
