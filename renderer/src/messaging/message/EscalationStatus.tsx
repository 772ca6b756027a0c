import type { MessageView } from '../../../../shared/ipc/contract';
import { escalationLines } from './escalation-label';

/** The escalation of a STAT message, line by line, each with an arrow icon: never colour alone. */
export function EscalationStatus({
  message,
  time,
}: {
  readonly message: MessageView;
  readonly time: (at: number) => string;
}) {
  const lines = escalationLines(message, time);
  if (lines.length === 0) return null;
  return (
    <ul className="escalation-status" aria-label="Escalation">
      {lines.map((line) => (
        <li key={line}>
          <svg className="acknowledgement-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            {/* An arrow up and onward: passed on. */}
            <path d="M3 13 13 3M6 3h7v7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
          {line}
        </li>
      ))}
    </ul>
  );
}
