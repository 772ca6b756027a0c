import { useEffect, useRef } from 'react';
import { Button, Heading } from 'react-aria-components';
import { ErrorAlert } from '../../components/ErrorAlert';

/**
 * The body of the recall dialog. Focus starts on "Keep message", the safe choice (WAI-ARIA
 * alertdialog pattern); this child's effect runs before the dialog's own, which then leaves
 * focus where it is.
 */
export function RecallConfirmation({
  busy,
  error,
  onRecall,
}: {
  readonly busy: boolean;
  readonly error: string | null;
  readonly onRecall: () => void;
}) {
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <>
      <Heading slot="title">Recall this message?</Heading>
      <p>
        It will be removed from everyone’s screens. Anyone who has already read it may have acted on it, so tell them if
        it matters. The recall is recorded.
      </p>
      <ErrorAlert message={error} />
      <div className="button-row">
        <Button className="button button-danger" isDisabled={busy} onPress={onRecall}>
          {busy ? 'Recalling…' : 'Recall message'}
        </Button>
        <Button ref={keep} className="button button-secondary" slot="close" isDisabled={busy}>
          Keep message
        </Button>
      </div>
    </>
  );
}
