import { useId, useState, type SubmitEvent } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import type { WardlineApi } from '../../../preload/api-factory';
import type { AvailabilityRequest, AvailabilityState } from '../../../shared/protocol/availability';
import { ErrorAlert } from '../components/ErrorAlert';
import { describeError } from '../error-messages';
import type { RecipientChoice } from '../messaging/compose/recipient-choice';
import { useNow } from '../messaging/use-now';
import { AvailabilityBadge } from './AvailabilityBadge';
import {
  STATE_OPTIONS,
  UNTIL_OPTIONS,
  availabilityLine,
  stateNow,
  untilOf,
  type UntilChoice,
} from './availability-labels';
import { CoverPicker } from './CoverPicker';
import { useOwnAvailability } from './use-own-availability';

/**
 * The status control beside the signed-in name: shows one's availability (icon and words) and
 * opens a dialog to choose Available, Busy, Do not disturb or Off duty, until when (1 hour, end of
 * shift, tomorrow 08:00 or a custom time) and, off duty, a covering colleague. Keyboard only:
 * a native radio group per question (arrow keys), the directory combobox, Save and Cancel.
 */
export function AvailabilityControl({ bridge, selfId }: { readonly bridge: WardlineApi; readonly selfId: string }) {
  const now = useNow(30_000);
  const own = useOwnAvailability(bridge);
  const [open, setOpen] = useState(false);
  // The header shows the word; the control's name says it all (until when, who covers).
  const line = availabilityLine(own.availability, now) ?? 'Available';
  return (
    <DialogTrigger isOpen={open} onOpenChange={setOpen}>
      <Button className="button button-on-dark availability-status" aria-label={`Your status: ${line}`}>
        <AvailabilityBadge availability={own.availability} now={now} always compact />
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            <AvailabilityForm
              bridge={bridge}
              selfId={selfId}
              initial={stateNow(own.availability, now)}
              onSave={own.set}
              onClose={() => setOpen(false)}
            />
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

function AvailabilityForm({
  bridge,
  selfId,
  initial,
  onSave,
  onClose,
}: {
  readonly bridge: WardlineApi;
  readonly selfId: string;
  readonly initial: AvailabilityState;
  readonly onSave: ReturnType<typeof useOwnAvailability>['set'];
  readonly onClose: () => void;
}) {
  const id = useId();
  const [state, setState] = useState<AvailabilityState>(initial);
  const [untilChoice, setUntilChoice] = useState<UntilChoice>('hour');
  const [custom, setCustom] = useState('');
  const [cover, setCover] = useState<RecipientChoice | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    let request: AvailabilityRequest;
    if (state === 'available') request = { state };
    else {
      const until = untilOf(untilChoice, Date.now(), custom);
      if (until === null) {
        setError('Choose a time ahead of now, at most two weeks ahead.');
        document.getElementById(`${id}-custom`)?.focus();
        return;
      }
      request =
        state === 'off-duty' && cover !== null && cover.recipient.kind === 'user'
          ? { state, until, coverUserId: cover.recipient.userId }
          : { state, until };
    }
    setBusy(true);
    const refused = await onSave(request);
    setBusy(false);
    if (refused === null) onClose();
    else setError(describeError(refused));
  }

  return (
    <form className="availability-dialog" onSubmit={(event) => void submit(event)} noValidate>
      <Heading slot="title">Your status</Heading>
      <fieldset>
        <legend>Status</legend>
        <div className="choices">
          {STATE_OPTIONS.map((option) => (
            <label key={option.value}>
              <input
                type="radio"
                name={`${id}-state`}
                value={option.value}
                checked={state === option.value}
                onChange={() => setState(option.value)}
              />
              {option.label}
            </label>
          ))}
        </div>
      </fieldset>
      {state !== 'available' && (
        <fieldset>
          <legend>Until</legend>
          <div className="choices">
            {UNTIL_OPTIONS.map((option) => (
              <label key={option.value}>
                <input
                  type="radio"
                  name={`${id}-until`}
                  value={option.value}
                  checked={untilChoice === option.value}
                  onChange={() => setUntilChoice(option.value)}
                />
                {option.label}
              </label>
            ))}
          </div>
          {untilChoice === 'custom' && (
            <div className="field">
              <label htmlFor={`${id}-custom`}>Custom time</label>
              <input
                id={`${id}-custom`}
                type="datetime-local"
                value={custom}
                onChange={(event) => setCustom(event.target.value)}
              />
            </div>
          )}
        </fieldset>
      )}
      {state === 'off-duty' && <CoverPicker bridge={bridge} selfId={selfId} cover={cover} onChange={setCover} />}
      <ErrorAlert message={error} />
      <div className="button-row">
        <Button type="submit" className="button button-primary" isDisabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </Button>
        <Button className="button button-secondary" isDisabled={busy} onPress={onClose}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
