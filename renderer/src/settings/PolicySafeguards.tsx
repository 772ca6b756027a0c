import { useId } from 'react';
import type { Policy } from '../../../shared/policy/policy-schema';
import { policySelfTest, type SafeguardStatus } from '../../../shared/policy/policy-safeguards';

const STATUS_TEXT: Record<SafeguardStatus, string> = { met: 'Met', weakened: 'Weakened', off: 'Off' };

/**
 * The policy self-test (shared/policy/policy-safeguards.ts), as `wardline --check-policy` prints
 * it: each HIPAA technical safeguard the policy bears on, its status in words (never colour
 * alone), and why for each setting that weakens it.
 */
export function PolicySafeguards({ policy }: { readonly policy: Policy }) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>HIPAA safeguards under this policy</h3>
      <p className="hint">
        The technical safeguards of the HIPAA Security Rule (45 CFR 164.312) this policy bears on, and the Privacy
        Rule’s minimum-necessary standard (164.502(b)), judged against Wardline’s documented baselines.
      </p>
      <ul className="safeguard-list">
        {policySelfTest(policy).map((result) => (
          <li key={result.id} className="safeguard">
            <span className={`safeguard-status safeguard-${result.status}`}>{STATUS_TEXT[result.status]}</span>
            <span className="safeguard-title">
              {result.title} <span className="safeguard-citation">§{result.citation}</span>
            </span>
            {result.status !== 'met' && (
              <ul className="safeguard-findings">
                {result.findings
                  .filter((finding) => finding.status !== 'met')
                  .map((finding) => (
                    <li key={finding.key}>{finding.why}</li>
                  ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
