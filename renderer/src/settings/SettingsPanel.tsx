import { useEffect, useId, useState } from 'react';
import type { WardlineApi } from '../../../preload/api-factory';
import type { SessionState } from '../../../shared/ipc/contract';
import type { Policy, PolicySource } from '../../../shared/policy/policy-schema';
import { describeError } from '../error-messages';
import { PinSetup } from '../lock/PinSetup';
import { ArchiveDisclosureNotice } from './ArchiveDisclosureNotice';
import { policyRows } from './policy-rows';
import { PolicySafeguards } from './PolicySafeguards';
import { SessionList } from './SessionList';
import './settings.css';

const SOURCE_TEXT: Record<PolicySource, string> = {
  defaults: 'No workstation policy is set: these are Wardline’s defaults.',
  file: 'Set by your hospital’s IT for this workstation.',
  registry: 'Set by your hospital’s IT (Group Policy) for this workstation.',
  override: 'Set by a policy file given when Wardline was started.',
};

/** The policy in force, read-only (only IT can change it), the user's sessions, and the unlock PIN. */
export function SettingsPanel({
  bridge,
  pin,
  onSessionChange,
  onClose,
}: {
  readonly bridge: WardlineApi;
  readonly pin: Extract<SessionState, { state: 'unlocked' }>['pin'];
  readonly onSessionChange: (state: SessionState) => void;
  readonly onClose: () => void;
}) {
  const id = useId();
  const [policy, setPolicy] = useState<{ policy: Policy; source: PolicySource; dataFolder: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void bridge.policy
      .get()
      .then((result) => (result.ok ? setPolicy(result.value) : setError(describeError(result.error))));
  }, [bridge]);

  return (
    <section className="settings" aria-labelledby={`${id}-heading`}>
      <div className="settings-head">
        <h2 id={`${id}-heading`}>Settings</h2>
        <button type="button" className="button button-secondary" onClick={onClose}>
          Close settings
        </button>
      </div>
      <section aria-labelledby={`${id}-policy`}>
        <h3 id={`${id}-policy`}>Workstation policy</h3>
        {error !== null && <p role="alert">{error}</p>}
        {policy !== null && (
          <>
            <p className="hint">{SOURCE_TEXT[policy.source]} It cannot be changed here.</p>
            <dl className="policy-list">
              {policyRows(policy.policy, policy.dataFolder).map((row) => (
                <div key={row.key} className="policy-row">
                  <dt>{row.label}</dt>
                  <dd>{row.value}</dd>
                </div>
              ))}
            </dl>
          </>
        )}
      </section>
      {policy !== null && <ArchiveDisclosureNotice policy={policy.policy} />}
      {policy !== null && <PolicySafeguards policy={policy.policy} />}
      <SessionList bridge={bridge} />
      {pin !== 'not-allowed' && policy !== null && (
        <PinSetup
          bridge={bridge}
          minLength={policy.policy.pinMinLength}
          needsPassword={pin !== 'offered'}
          onDone={onSessionChange}
          onDismiss={null}
        />
      )}
    </section>
  );
}
