import { useEffect, useId, useRef, useState, type ReactNode, type RefObject, type SubmitEvent } from 'react';
import { Button, FieldError, Input, Label, Text, TextField } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ActionOutcomeView } from '../ActionOutcomeView';
import type { RoleAddress } from '../admin-types';
import { useAdminAction } from '../use-admin-action';
import {
  checkEscalation,
  ESCALATION_FIELDS,
  escalationFormOf,
  escalationSentence,
  escalationShort,
  type EscalationErrors,
  type EscalationField,
  type EscalationForm,
} from './escalation-form';

/** A number of minutes: its label, what it counts from, the field and its unit, and its mistake. */
function MinutesField({
  label,
  hint,
  value,
  onChange,
  error,
  inputRef,
  isDisabled = false,
  children,
}: {
  readonly label: string;
  readonly hint: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly error: string | undefined;
  readonly inputRef: RefObject<HTMLInputElement | null>;
  readonly isDisabled?: boolean;
  /** Below the field: the "Never" choice of the re-alert interval. */
  readonly children?: ReactNode;
}) {
  return (
    <TextField
      className="field escalation-field"
      value={value}
      onChange={onChange}
      isInvalid={error !== undefined}
      isDisabled={isDisabled}
    >
      <Label>{label}</Label>
      <Text slot="description" className="field-hint">
        {hint}
      </Text>
      <span className="minutes-input">
        <Input ref={inputRef} inputMode="numeric" autoComplete="off" maxLength={5} />
        <span aria-hidden="true">min</span>
      </span>
      {children}
      <FieldError className="field-error">{error}</FieldError>
    </TextField>
  );
}

/**
 * When a STAT message to the address that nobody acknowledges is re-alerted, sent to the backup
 * on call and then to every member: the organisation's default, or the address's own times.
 * Saved as one change (the server checks the times again); messages already sent keep the times
 * they were signed with. After Save the address is asked for again.
 */
export function RoleAddressEscalation({
  bridge,
  address,
  name,
  onSaved,
}: {
  readonly bridge: WardlineApi;
  readonly address: RoleAddress;
  /** The address's name through the display rule. */
  readonly name: string;
  readonly onSaved: () => Promise<void>;
}) {
  const id = useId();
  const organisation = address.organisationEscalation;
  const { busy, outcome, run } = useAdminAction('role-address');
  const [form, setForm] = useState<EscalationForm>(() => escalationFormOf(address.escalation, organisation));
  const [errors, setErrors] = useState<EscalationErrors>({});
  const repeatField = useRef<HTMLInputElement>(null);
  const backupField = useRef<HTMLInputElement>(null);
  const everyoneField = useRef<HTMLInputElement>(null);
  /** Read in handlers and effects only, never during render. */
  const fieldOf = (field: EscalationField) =>
    field === 'repeatMinutes' ? repeatField : field === 'backupMinutes' ? backupField : everyoneField;
  const organisationChoice = useRef<HTMLInputElement>(null);
  const ownChoice = useRef<HTMLInputElement>(null);
  const stored = escalationFormOf(address.escalation, organisation);
  const changed = JSON.stringify(form) !== JSON.stringify(stored);
  const change = (patch: Partial<EscalationForm>) => setForm((previous) => ({ ...previous, ...patch }));
  // The field with the first mistake, once its message is on the page: brought into view whole,
  // so the message below it is not left under the fold of a 768-pixel screen.
  const mistakeToShow = useRef<HTMLElement | null>(null);
  useEffect(() => {
    mistakeToShow.current?.closest('.escalation-field')?.scrollIntoView({ block: 'nearest' });
    mistakeToShow.current = null;
  }, [errors]);

  // What came of Save, in view beside the button (a 768-pixel screen has it just below the fold).
  const outcomeView = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome !== null) outcomeView.current?.scrollIntoView({ block: 'nearest' });
  }, [outcome]);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy !== null) return;
    const checked = checkEscalation(form);
    if (!checked.ok) {
      setErrors(checked.error);
      const first = ESCALATION_FIELDS.find((field) => checked.error[field] !== undefined);
      if (first !== undefined) {
        const input = fieldOf(first).current;
        input?.focus();
        mistakeToShow.current = input;
      }
      return;
    }
    setErrors({});
    const times = checked.value;
    const done = await run(
      'save',
      () => bridge.admin.setRoleEscalation({ addressId: address.addressId, escalation: times }),
      ({ changed: saved }) =>
        !saved
          ? 'Nothing to save: it already has these times.'
          : times === null
            ? `${name} now follows the organisation default.`
            : `Saved: ${name} escalates on its own times.`,
    );
    if (done !== null) {
      setForm(escalationFormOf(times, organisation));
      await onSaved();
    }
  }

  return (
    <form
      onSubmit={(event) => void submit(event)}
      noValidate
      className="role-escalation"
      aria-labelledby={`${id}-heading`}
    >
      <h3 id={`${id}-heading`}>Escalation</h3>
      <p className="hint">
        A STAT message nobody acknowledges is re-alerted, then sent to the backup on call, then to every member.
        Messages already sent keep their times.
      </p>
      <fieldset className="escalation-choice">
        <legend className="visually-hidden">Escalation times</legend>
        <label>
          <input
            ref={organisationChoice}
            type="radio"
            name={`${id}-choice`}
            checked={form.useOrganisation}
            aria-describedby={`${id}-default`}
            onChange={() => change({ useOrganisation: true })}
          />
          Use the organisation default ({escalationShort(organisation)})
        </label>
        <p id={`${id}-default`} className="field-hint escalation-default">
          {escalationSentence(organisation)}
        </p>
        <label>
          <input
            ref={ownChoice}
            type="radio"
            name={`${id}-choice`}
            checked={!form.useOrganisation}
            onChange={() => change({ useOrganisation: false })}
          />
          Set times for this role address
        </label>
      </fieldset>
      {!form.useOrganisation && (
        <div className="escalation-fields">
          <MinutesField
            label="Re-alert every"
            hint="To whoever has it, until someone acknowledges."
            value={form.repeatMinutes}
            onChange={(value) => change({ repeatMinutes: value })}
            error={errors.repeatMinutes}
            inputRef={repeatField}
            isDisabled={form.repeatNever}
          >
            <span className="escalation-never">
              <input
                id={`${id}-never`}
                type="checkbox"
                checked={form.repeatNever}
                onChange={(event) => change({ repeatNever: event.target.checked })}
              />
              <label htmlFor={`${id}-never`}>Never re-alert</label>
            </span>
          </MinutesField>
          <MinutesField
            label="Backup after"
            hint="From sending: to the backup on call."
            value={form.backupMinutes}
            onChange={(value) => change({ backupMinutes: value })}
            error={errors.backupMinutes}
            inputRef={backupField}
          />
          <MinutesField
            label="Everyone in the role after"
            hint="From sending: to every member."
            value={form.everyoneMinutes}
            onChange={(value) => change({ everyoneMinutes: value })}
            error={errors.everyoneMinutes}
            inputRef={everyoneField}
          />
        </div>
      )}
      <div className="button-row">
        <Button type="submit" className="button button-small button-primary" isDisabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : 'Save escalation'}
        </Button>
        {changed && busy === null && (
          <Button
            className="button button-small button-secondary"
            onPress={() => {
              setForm(stored);
              setErrors({});
              // This button goes with the changes: focus goes to the choice as stored.
              (stored.useOrganisation ? organisationChoice : ownChoice).current?.focus();
            }}
          >
            Undo changes
          </Button>
        )}
      </div>
      <div ref={outcomeView}>
        <ActionOutcomeView outcome={outcome} />
      </div>
    </form>
  );
}
