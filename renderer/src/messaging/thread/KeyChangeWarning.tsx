import { useId, useState } from 'react';
import type { WardlineApi } from '../../../../preload/api-factory';
import type { Participant } from '../../../../shared/ipc/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ShownText } from '../../components/ShownText';
import { describeError } from '../../error-messages';

/**
 * Shown while any participant's security key has changed since it was pinned. Sending to them is
 * refused (KEY_CHANGED) until someone here accepts the new key, after checking with the person.
 */
export function KeyChangeWarning({
  bridge,
  participants,
  onAccepted,
}: {
  readonly bridge: WardlineApi;
  readonly participants: readonly Participant[];
  readonly onAccepted: () => Promise<void>;
}) {
  const changed = participants.filter((person) => person.keyChanged);
  const headingId = useId();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (changed.length === 0) return null;

  async function accept(userId: string) {
    setBusy(userId);
    setError(null);
    const result = await bridge.contact.acceptKeyChange({ userId });
    if (result.ok) await onAccepted();
    else setError(describeError(result.error));
    setBusy(null);
  }

  return (
    <section className="key-warning" aria-labelledby={headingId}>
      <h3 id={headingId}>Security key changed</h3>
      <ul className="key-warning-list">
        {changed.map((person) => (
          <li key={person.userId}>
            <p id={`${headingId}-${person.userId}`}>
              <strong>
                <ShownText text={person.displayName} />
              </strong>
              ’s security key changed. Usually that is a reset account, but it can mean someone else is using their
              name: check with them in person or by phone before you accept it.
            </p>
            <button
              type="button"
              className="button button-warning"
              disabled={busy !== null}
              aria-describedby={`${headingId}-${person.userId}`}
              onClick={() => void accept(person.userId)}
            >
              Accept new key
            </button>
          </li>
        ))}
      </ul>
      <ErrorAlert message={error} />
    </section>
  );
}
