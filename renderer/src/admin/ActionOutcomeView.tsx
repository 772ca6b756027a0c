import { ErrorAlert } from '../components/ErrorAlert';
import type { ActionOutcome } from './use-admin-action';

/**
 * What came of an admin action, said where it was done: a polite status for done or cancelled,
 * the alert for a refusal. Both regions stay in the DOM so a screen reader hears what appears.
 */
export function ActionOutcomeView({ outcome }: { readonly outcome: ActionOutcome | null }) {
  return (
    <>
      <div
        role="status"
        className={outcome === null ? 'admin-outcome-none' : `admin-outcome admin-outcome-${outcome.tone}`}
      >
        {outcome !== null && outcome.tone !== 'refused' && outcome.text}
      </div>
      <ErrorAlert message={outcome?.tone === 'refused' ? outcome.text : null} />
    </>
  );
}
