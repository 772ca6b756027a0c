import { useRef } from 'react';
import type { AttachmentDrafts } from './use-attachment-drafts';
import { acceptFor, attachHint } from './attachment-words';
import { MAX_ATTACHMENTS } from '../../../../shared/protocol/attachment';

/**
 * "Attach": a real button (keyboard and screen reader as any other) that opens the OS file
 * picker through a hidden file input. `accept` narrows the picker to what policy allows; main
 * reads the real kind from the bytes whatever the picker let through.
 */
export function AttachButton({
  drafts,
  hintId,
  className = 'button button-secondary',
  compact = false,
}: {
  readonly drafts: AttachmentDrafts;
  /** The paper clip alone (its name for screen readers only): the reply box keeps its one line. */
  readonly compact?: boolean;
  /** Where the kinds-and-size hint is shown, if the form shows it. */
  readonly hintId?: string;
  readonly className?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const { policy } = drafts;
  const full = drafts.items.length >= MAX_ATTACHMENTS;
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-hidden="true"
        accept={policy === null ? undefined : acceptFor(policy.kinds)}
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          // Cleared so that picking the same file again (after removing it) is a change too.
          event.currentTarget.value = '';
          if (files.length > 0) drafts.add(files);
        }}
      />
      <button
        type="button"
        className={`${className} attach-button${compact ? ' attach-button-compact' : ''}`}
        disabled={full || policy?.kinds.length === 0}
        aria-describedby={hintId}
        title={policy === null ? undefined : attachHint(policy.kinds, policy.maxMiB)}
        onClick={() => input.current?.click()}
      >
        <svg className="attach-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path
            d="M16.5 6.5 8.6 14.4a2 2 0 0 0 2.8 2.8l8-8a4 4 0 0 0-5.6-5.6l-8.2 8.2a6 6 0 0 0 8.5 8.5l7.2-7.2"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
          />
        </svg>
        {compact ? <span className="visually-hidden">Attach</span> : 'Attach'}
      </button>
    </>
  );
}
