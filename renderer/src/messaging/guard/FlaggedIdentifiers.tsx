import { useEffect, useRef } from 'react';
import type { IdentifierGuard } from './use-identifier-guard';
import { blockedText, stillFlaggedText } from './identifier-words';
import './guard.css';

/**
 * Right under the message once the identifier check has spoken: for a block, why the message
 * cannot be sent (an alert); then what is flagged in it now (updated as the sender edits,
 * announced politely), and a button that selects each flagged place in its field in turn, so it
 * can be seen and typed over. Scrolled into view when a refusal puts it there. Nothing before.
 */
export function FlaggedIdentifiers({ id, guard }: { readonly id: string; readonly guard: IdentifierGuard }) {
  const box = useRef<HTMLDivElement>(null);
  const { blocked, flagged, selected } = guard;
  useEffect(() => {
    if (blocked !== null) box.current?.scrollIntoView({ block: 'nearest' });
  }, [blocked]);
  if (flagged === null) return null;
  return (
    <div ref={box} className={blocked === null ? 'guard-flagged' : 'guard-flagged guard-flagged-blocked'}>
      {blocked !== null && (
        <p role="alert" className="guard-blocked-text">
          {blockedText(blocked)}
        </p>
      )}
      <div className="guard-flagged-line">
        <p id={id} role="status" className="guard-flagged-text">
          {stillFlaggedText(flagged)}
          {selected !== null && ` Selected: ${String(selected.index + 1)} of ${String(selected.of)}.`}
        </p>
        {flagged.length > 0 && (
          <button type="button" className="button button-small button-secondary" onClick={guard.selectNext}>
            {selected === null ? 'Select flagged text' : 'Select next'}
          </button>
        )}
      </div>
    </div>
  );
}
