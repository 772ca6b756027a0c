import { useEffect, useId, useState, type SubmitEvent } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { AppError } from '../../../shared/errors';
import {
  HOLD_REASON_CODES,
  matterName,
  type HoldReasonCode,
  type MessageHold,
} from '../../../shared/protocol/message-hold-api';
import { conversationId as conversationIdSchema, userId as userIdSchema } from '../../../shared/protocol/identifiers';
import { ReauthenticationProvider } from '../admin/ReauthenticationProvider';
import { useReauthentication } from '../admin/use-reauthentication';
import { ErrorAlert } from '../components/ErrorAlert';
import { useAnnounce } from '../components/use-announce';
import { describeError } from '../error-messages';
import { MatterExports } from './MatterExports';

const REASON_LABELS: Record<HoldReasonCode, string> = {
  litigation: 'Litigation',
  'anticipated-litigation': 'Litigation anticipated',
  'regulatory-inquiry': 'Regulatory inquiry',
  'internal-investigation': 'Internal investigation',
  subpoena: 'Subpoena',
};

type Scope = 'custodian' | 'conversation';
type Field = 'matter' | 'target';

/**
 * Legal holds on messages: what is held, for which matter, and placing or releasing a hold. A
 * hold keeps on the server every message the person sent or received (or every message of the
 * conversation), whatever recall, expiry or retention would do; the people in the thread still
 * see them go. Releasing lets deletion resume, so it asks for the password and a code when the
 * sign-in is older than five minutes. The matter's name is shown here and kept with the hold;
 * the audit trail names the hold, never the matter.
 */
export function MessageHolds({ bridge }: { readonly bridge: WardlineApi }) {
  return (
    <ReauthenticationProvider bridge={bridge} prove={bridge.holds.reauthenticate}>
      <HoldsSection bridge={bridge} />
    </ReauthenticationProvider>
  );
}

function HoldsSection({ bridge }: { readonly bridge: WardlineApi }) {
  const id = useId();
  const announce = useAnnounce();
  const withReauthentication = useReauthentication();
  const [holds, setHolds] = useState<readonly MessageHold[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [matter, setMatter] = useState('');
  const [reason, setReason] = useState<HoldReasonCode>('litigation');
  const [scope, setScope] = useState<Scope>('custodian');
  const [target, setTarget] = useState('');
  const [invalid, setInvalid] = useState<Partial<Record<Field, string>>>({});

  const refused = (failure: AppError) => setError(describeError(failure));

  // Bumped after a place or release: the list is read again.
  const [version, setVersion] = useState(0);
  const load = () => setVersion((n) => n + 1);

  useEffect(() => {
    let live = true;
    void bridge.holds.list().then((listed) => {
      if (!live) return;
      if (listed.ok) setHolds(listed.value.holds);
      else setError(describeError(listed.error));
    });
    return () => {
      live = false;
    };
  }, [bridge, version]);

  async function place(event: SubmitEvent) {
    event.preventDefault();
    const problems: Partial<Record<Field, string>> = {};
    const name = matterName.safeParse(matter);
    if (!name.success) problems.matter = 'Name the matter in one line (up to 120 characters).';
    const scoped = (scope === 'custodian' ? userIdSchema : conversationIdSchema).safeParse(target.trim());
    if (!scoped.success)
      problems.target =
        scope === 'custodian'
          ? 'Enter the person’s user ID, as audit records show it.'
          : 'Enter the conversation ID, as audit records show it (36 characters).';
    setInvalid(problems);
    if (!name.success || !scoped.success) {
      document.getElementById(`${id}-${name.success ? 'target' : 'matter'}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const request =
      scope === 'custodian'
        ? { matter: name.data, reasonCode: reason, custodianId: scoped.data }
        : { matter: name.data, reasonCode: reason, conversationId: scoped.data };
    const placed = await bridge.holds.place(request);
    setBusy(false);
    if (!placed.ok) {
      refused(placed.error);
      return;
    }
    setTarget('');
    announce(`Hold placed for ${placed.value.hold.matter}.`);
    load();
  }

  async function release(hold: MessageHold) {
    setError(null);
    const released = await withReauthentication(() => bridge.holds.release({ holdId: hold.holdId }));
    if (released === null) return;
    if (!released.ok) {
      refused(released.error);
      return;
    }
    announce(`Hold released for ${hold.matter}. Deletion resumes for what it alone kept.`);
    load();
  }

  const fieldError = (field: Field) =>
    invalid[field] === undefined ? null : (
      <span id={`${id}-${field}-error`} className="field-error">
        {invalid[field]}
      </span>
    );

  return (
    <section className="message-holds" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Legal holds on messages</h2>
      <p className="hint">
        A hold keeps every message the person sent or received, or every message of the conversation, on the server
        until it is released, even if it is recalled or expires. The people in the conversation still see it go.
      </p>
      <form className="hold-form" aria-label="Place a legal hold" onSubmit={(event) => void place(event)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-matter`}>Matter</label>
          <input
            id={`${id}-matter`}
            type="text"
            maxLength={120}
            autoComplete="off"
            value={matter}
            aria-invalid={invalid.matter !== undefined}
            aria-describedby={invalid.matter === undefined ? undefined : `${id}-matter-error`}
            onChange={(event) => setMatter(event.target.value)}
          />
          {fieldError('matter')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <select
            id={`${id}-reason`}
            value={reason}
            onChange={(event) => {
              const chosen = HOLD_REASON_CODES.find((code) => code === event.target.value);
              if (chosen !== undefined) setReason(chosen);
            }}
          >
            {HOLD_REASON_CODES.map((code) => (
              <option key={code} value={code}>
                {REASON_LABELS[code]}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="hold-scope">
          <legend>Hold</legend>
          <label>
            <input
              type="radio"
              name={`${id}-scope`}
              checked={scope === 'custodian'}
              onChange={() => setScope('custodian')}
            />{' '}
            A person’s messages
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-scope`}
              checked={scope === 'conversation'}
              onChange={() => setScope('conversation')}
            />{' '}
            A conversation
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-target`}>{scope === 'custodian' ? 'Person' : 'Conversation'}</label>
          <input
            id={`${id}-target`}
            type="text"
            className={scope === 'conversation' ? 'audit-id-input' : undefined}
            maxLength={scope === 'custodian' ? 64 : 36}
            placeholder={scope === 'custodian' ? 'User ID, e.g. nurse.adams' : 'Conversation ID from an audit record'}
            spellCheck={false}
            autoComplete="off"
            value={target}
            aria-invalid={invalid.target !== undefined}
            aria-describedby={invalid.target === undefined ? undefined : `${id}-target-error`}
            onChange={(event) => setTarget(event.target.value)}
          />
          {fieldError('target')}
        </div>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Placing…' : 'Place hold'}
          </button>
        </div>
      </form>
      <ErrorAlert message={error} />
      {holds === null ? null : holds.length === 0 ? (
        <p className="audit-empty">No holds are in force.</p>
      ) : (
        <div className="audit-table-scroll">
          <table className="audit-table">
            <caption className="visually-hidden">Holds in force</caption>
            <thead>
              <tr>
                <th scope="col">Matter</th>
                <th scope="col">Holds</th>
                <th scope="col">Reason</th>
                <th scope="col">Placed</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {holds.map((hold) => (
                <tr key={hold.holdId}>
                  <td>{hold.matter}</td>
                  <td>
                    {hold.custodian === null
                      ? `Conversation ${hold.conversationId ?? ''}`
                      : `${hold.custodian.displayName} (${hold.custodian.userId})`}
                  </td>
                  <td>{REASON_LABELS[hold.reasonCode]}</td>
                  <td>
                    {new Date(hold.placedAt).toLocaleString()} by {hold.placedBy}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-secondary"
                      aria-label={`Release the hold for ${hold.matter}`}
                      onClick={() => void release(hold)}
                    >
                      Release
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {holds !== null && <MatterExports bridge={bridge} holds={holds} />}
    </section>
  );
}
