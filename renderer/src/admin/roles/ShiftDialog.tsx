import { useId, useRef, useState, type SubmitEvent } from 'react';
import {
  Button,
  Dialog,
  DialogTrigger,
  FieldError,
  Heading,
  Label,
  ListBox,
  ListBoxItem,
  Modal,
  ModalOverlay,
  Popover,
  Select,
  SelectValue,
} from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { displayText } from '../../../../shared/text/display-text';
import { ActionOutcomeView } from '../ActionOutcomeView';
import type { RoleAddress, RoleShift } from '../admin-types';
import { useAdminAction } from '../use-admin-action';
import { checkShift, localInputOf, type ShiftErrors, type ShiftField, type ShiftForm } from './shift-form';

const NO_BACKUP = '(none)';
const HOUR = 3_600_000;

/** A new shift starts at the next whole hour and lasts twelve. */
function blankForm(now: number): ShiftForm {
  const start = Math.ceil(now / HOUR) * HOUR;
  return { userId: '', backupUserId: '', startsAt: localInputOf(start), endsAt: localInputOf(start + 12 * HOUR) };
}

const formOf = (shift: RoleShift): ShiftForm => ({
  userId: shift.userId,
  backupUserId: shift.backupUserId ?? '',
  startsAt: localInputOf(shift.startsAt),
  endsAt: localInputOf(shift.endsAt),
});

/**
 * "Add shift…" or a shift's "Edit": a modal form for who is on call, their backup (members only)
 * and from when to when in local time. Checked as the server checks before it is sent; the
 * server's refusal is shown in the dialog, which stays open so nothing typed is lost. Focus
 * returns to the button that opened it.
 */
export function ShiftDialog({
  bridge,
  address,
  shift,
  label,
  accessibleLabel,
  now,
  onSaved,
}: {
  readonly bridge: WardlineApi;
  readonly address: RoleAddress;
  /** The shift to change; none for a new one. */
  readonly shift?: RoleShift;
  readonly label: string;
  readonly accessibleLabel?: string;
  readonly now: () => number;
  readonly onSaved: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  return (
    <DialogTrigger isOpen={open} onOpenChange={setOpen}>
      <Button
        className={shift === undefined ? 'button button-secondary' : 'button button-small button-secondary'}
        {...(accessibleLabel === undefined ? {} : { 'aria-label': accessibleLabel })}
      >
        {label}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable={false}>
        <Modal className="modal modal-wide">
          <Dialog className="dialog">
            <ShiftFormBody
              bridge={bridge}
              address={address}
              initial={shift === undefined ? blankForm(now()) : formOf(shift)}
              {...(shift === undefined ? {} : { shiftId: shift.shiftId })}
              onCancel={() => setOpen(false)}
              onSaved={async () => {
                setOpen(false);
                await onSaved();
              }}
            />
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

function ShiftFormBody({
  bridge,
  address,
  initial,
  shiftId,
  onCancel,
  onSaved,
}: {
  readonly bridge: WardlineApi;
  readonly address: RoleAddress;
  readonly initial: ShiftForm;
  readonly shiftId?: string;
  readonly onCancel: () => void;
  readonly onSaved: () => Promise<void>;
}) {
  const id = useId();
  const { busy, outcome, run } = useAdminAction('shift');
  const [form, setForm] = useState<ShiftForm>(initial);
  const [errors, setErrors] = useState<ShiftErrors>({});
  const personField = useRef<HTMLButtonElement>(null);
  const backupField = useRef<HTMLButtonElement>(null);
  const startField = useRef<HTMLInputElement>(null);
  const endField = useRef<HTMLInputElement>(null);
  const set = (field: ShiftField) => (value: string) => setForm((previous) => ({ ...previous, [field]: value }));
  const people = address.members.map((member) => ({
    id: member.userId,
    name: `${displayText(member.displayName)} (${member.userId})${member.active ? '' : ' — deactivated'}`,
  }));

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy !== null) return;
    const checked = checkShift(address.addressId, form);
    if (!checked.ok) {
      setErrors(checked.error);
      const first = (['userId', 'backupUserId', 'startsAt', 'endsAt'] as const).find(
        (field) => checked.error[field] !== undefined,
      );
      const fields = { userId: personField, backupUserId: backupField, startsAt: startField, endsAt: endField };
      if (first !== undefined) fields[first].current?.focus();
      return;
    }
    setErrors({});
    const done = await run<unknown>(
      'save',
      () =>
        shiftId === undefined
          ? bridge.admin.addShift(checked.value)
          : bridge.admin.updateShift({ ...checked.value, shiftId }),
      () => 'Saved.',
    );
    if (done !== null) await onSaved();
  }

  const timeField = (field: 'startsAt' | 'endsAt', text: string) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{text}</label>
      <input
        id={`${id}-${field}`}
        ref={field === 'startsAt' ? startField : endField}
        type="datetime-local"
        required
        value={form[field]}
        aria-invalid={errors[field] !== undefined}
        aria-describedby={errors[field] === undefined ? undefined : `${id}-${field}-error`}
        onChange={(event) => set(field)(event.target.value)}
      />
      {errors[field] !== undefined && (
        <span id={`${id}-${field}-error`} className="field-error">
          {errors[field]}
        </span>
      )}
    </div>
  );

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Heading slot="title">{shiftId === undefined ? 'Add a shift' : 'Change the shift'}</Heading>
      <div className="form-grid">
        <Select
          className="field select-field"
          value={form.userId === '' ? null : form.userId}
          onChange={(key) => set('userId')(typeof key === 'string' ? key : '')}
          isInvalid={errors.userId !== undefined}
          isRequired
          placeholder="Choose a member"
        >
          <Label className="select-label">On call</Label>
          <Button ref={personField} className="select-button">
            <SelectValue />
            <span aria-hidden="true" className="select-arrow">
              ▾
            </span>
          </Button>
          <FieldError className="field-error">{errors.userId}</FieldError>
          <Popover className="combo-popover" placement="bottom start" offset={4}>
            <ListBox className="combo-list" items={people}>
              {(person) => (
                <ListBoxItem id={person.id} className="select-option">
                  {person.name}
                </ListBoxItem>
              )}
            </ListBox>
          </Popover>
        </Select>
        <Select
          className="field select-field"
          value={form.backupUserId === '' ? NO_BACKUP : form.backupUserId}
          onChange={(key) => set('backupUserId')(typeof key === 'string' && key !== NO_BACKUP ? key : '')}
          isInvalid={errors.backupUserId !== undefined}
        >
          <Label className="select-label">Backup</Label>
          <Button ref={backupField} className="select-button">
            <SelectValue />
            <span aria-hidden="true" className="select-arrow">
              ▾
            </span>
          </Button>
          <FieldError className="field-error">{errors.backupUserId}</FieldError>
          <Popover className="combo-popover" placement="bottom start" offset={4}>
            <ListBox className="combo-list" items={[{ id: NO_BACKUP, name: 'No backup' }, ...people]}>
              {(person) => (
                <ListBoxItem id={person.id} className="select-option">
                  {person.name}
                </ListBoxItem>
              )}
            </ListBox>
          </Popover>
        </Select>
        {timeField('startsAt', 'Starts (local time)')}
        {timeField('endsAt', 'Ends (local time)')}
      </div>
      <ActionOutcomeView outcome={outcome?.tone === 'done' ? null : outcome} />
      <div className="button-row">
        <Button type="submit" className="button button-primary" isDisabled={busy !== null}>
          {busy === null ? 'Save shift' : 'Saving…'}
        </Button>
        <Button className="button button-secondary" isDisabled={busy !== null} onPress={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
