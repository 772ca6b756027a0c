import type { MessageView } from '../../../../shared/ipc/contract';
import { acknowledgementLine } from './acknowledgement-label';

/** "Acknowledged by …" or what the message still waits for: an icon and words, never colour alone. */
export function AcknowledgementStatus({
  message,
  time,
}: {
  readonly message: MessageView;
  readonly time: (at: number) => string;
}) {
  const line = acknowledgementLine(message, time);
  if (line === null) return null;
  return (
    <p className="acknowledgement-status" data-tone={line.tone}>
      {line.tone === 'done' ? (
        <svg className="acknowledgement-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          {/* A tick. */}
          <path d="M2.5 8.5 6.3 12 13.5 4" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
        </svg>
      ) : (
        <HourglassIcon />
      )}
      {line.text}
    </p>
  );
}

/** An hourglass: still waiting for acknowledgement. Decoration beside the words. */
export function HourglassIcon() {
  return (
    <svg className="acknowledgement-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path
        d="M4 1.5h8M4 14.5h8M5 2v2.5L8 8l3-3.5V2M5 14v-2.5L8 8l3 3.5V14"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
      />
    </svg>
  );
}
