import type { Priority } from '../../../../shared/protocol/envelope';
import { priorityMarker } from './priority';

/**
 * "Urgent" or "STAT" as a labelled badge: colour, an icon and the word, never colour alone. The
 * icon is decoration (aria-hidden); the word carries the meaning. Nothing for routine.
 */
export function PriorityMarker({ priority }: { readonly priority: Priority | null }) {
  const text = priority === null ? null : priorityMarker(priority);
  if (text === null || priority === null) return null;
  return (
    <span className="priority-marker" data-priority={priority}>
      <svg className="priority-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        {priority === 'stat' ? (
          // A warning triangle with an exclamation mark.
          <>
            <path d="M8 1.2 15.2 14.5H.8Z" fill="currentColor" />
            <path
              d="M7.1 5.5h1.8l-.3 5H7.4Z M8 11.4a1.05 1.05 0 1 1 0 2.1 1.05 1.05 0 0 1 0-2.1Z"
              fill="var(--priority-icon-mark)"
            />
          </>
        ) : (
          // A clock: time matters.
          <>
            <circle cx="8" cy="8" r="6.3" fill="none" stroke="currentColor" strokeWidth="1.9" />
            <path d="M8 4.2V8.4l2.8 1.7" fill="none" stroke="currentColor" strokeWidth="1.9" strokeLinecap="round" />
          </>
        )}
      </svg>
      {text}
    </span>
  );
}
