import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import { Button, FieldError, Input, Label, Text, TextField } from 'react-aria-components';
import type { WardlineApi } from '../../../../preload/api-factory';
import { ActionOutcomeView } from '../ActionOutcomeView';
import type { RoleAddress } from '../admin-types';
import { useAdminAction } from '../use-admin-action';
import { checkRetention, daysPhrase, retentionFormOf, shorterWarning, type RetentionForm } from './retention-form';

/**
 * How long the server keeps the messages of the address's conversations after accepting them:
 * the organisation's bound, or the address's own in days. Saved as one change (the server checks
 * the days again, and asks the admin to confirm it is them, since a shorter bound deletes for
 * good at the next run); a bound shorter than the organisation's is said before Save. After Save
 * the address is asked for again.
 */
export function RoleAddressRetention({
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
  const organisation = address.organisationRetentionDays;
  const { busy, outcome, run } = useAdminAction('role-address');
  const [form, setForm] = useState<RetentionForm>(() => retentionFormOf(address.retentionDays, organisation));
  const [error, setError] = useState<string | undefined>(undefined);
  const daysField = useRef<HTMLInputElement>(null);
  const organisationChoice = useRef<HTMLInputElement>(null);
  const ownChoice = useRef<HTMLInputElement>(null);
  const stored = retentionFormOf(address.retentionDays, organisation);
  const changed =
    form.useOrganisation !== stored.useOrganisation || (!form.useOrganisation && form.days !== stored.days);
  const change = (patch: Partial<RetentionForm>) => setForm((previous) => ({ ...previous, ...patch }));
  const checked = checkRetention(form);
  const warning = checked.ok ? shorterWarning(checked.value, organisation) : null;

  // What came of Save, in view beside the button.
  const outcomeView = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome !== null) outcomeView.current?.scrollIntoView({ block: 'nearest' });
  }, [outcome]);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy !== null) return;
    if (!checked.ok) {
      setError(checked.error);
      daysField.current?.focus();
      return;
    }
    setError(undefined);
    const days = checked.value;
    const done = await run(
      'save',
      () => bridge.admin.setRoleRetention({ addressId: address.addressId, retentionDays: days }),
      ({ changed: saved }) =>
        !saved
          ? 'Nothing to save: it already keeps messages so.'
          : days === null
            ? `${name} now follows the organisation default.`
            : `Saved: the server keeps ${name}’s messages for ${daysPhrase(days)}.`,
    );
    if (done !== null) {
      setForm(retentionFormOf(days, organisation));
      await onSaved();
    }
  }

  return (
    <form
      onSubmit={(event) => void submit(event)}
      noValidate
      className="role-retention"
      aria-labelledby={`${id}-heading`}
    >
      <h3 id={`${id}-heading`}>Message retention</h3>
      <p className="hint">
        How long the server keeps the messages of this address’s conversations after it accepted them. A daily run
        deletes what is older; legal holds keep what they cover.
      </p>
      <fieldset className="escalation-choice">
        <legend className="visually-hidden">Retention period</legend>
        <label>
          <input
            ref={organisationChoice}
            type="radio"
            name={`${id}-choice`}
            checked={form.useOrganisation}
            onChange={() => change({ useOrganisation: true })}
          />
          Use the organisation default: {daysPhrase(organisation)}
        </label>
        <label>
          <input
            ref={ownChoice}
            type="radio"
            name={`${id}-choice`}
            checked={!form.useOrganisation}
            onChange={() => change({ useOrganisation: false })}
          />
          Set a period for this role address
        </label>
      </fieldset>
      {!form.useOrganisation && (
        <div className="escalation-fields">
          <TextField
            className="field escalation-field"
            value={form.days}
            onChange={(days) => change({ days })}
            isInvalid={error !== undefined}
          >
            <Label>Keep messages for</Label>
            <Text slot="description" className="field-hint">
              {warning ?? 'From when the server accepted each message: 30 to 36,500 days.'}
            </Text>
            <span className="minutes-input">
              <Input ref={daysField} inputMode="numeric" autoComplete="off" maxLength={7} />
              <span aria-hidden="true">days</span>
            </span>
            <FieldError className="field-error">{error}</FieldError>
          </TextField>
        </div>
      )}
      <div className="button-row">
        <Button type="submit" className="button button-small button-primary" isDisabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : 'Save retention'}
        </Button>
        {changed && busy === null && (
          <Button
            className="button button-small button-secondary"
            onPress={() => {
              setForm(stored);
              setError(undefined);
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
