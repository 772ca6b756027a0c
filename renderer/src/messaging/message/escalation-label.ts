/**
 * How a STAT message's escalation reads: each released step ("Escalated to Dr. Nguyen (backup),
 * 21:34"), re-alerts so far, and while nobody has acknowledged, what comes next and when. Pure.
 */
import type { MessageView } from '../../../../shared/ipc/contract';

type Facts = Pick<MessageView, 'escalation' | 'acknowledgement' | 'text'>;
type Step = NonNullable<MessageView['escalation']>['steps'][number];

const LIST_MAX = 3;

function whom(step: Step): string {
  const names =
    step.names.length <= LIST_MAX
      ? step.names.join(', ')
      : `${step.names.slice(0, LIST_MAX).join(', ')} and ${String(step.names.length - LIST_MAX)} more`;
  return step.reason === 'backup' ? `${names} (backup)` : `everyone in the role: ${names}`;
}

/** The lines under the message, in order; empty for a message without escalation. */
export function escalationLines(message: Facts, time: (at: number) => string): string[] {
  const escalation = message.escalation;
  if (escalation === null) return [];
  const lines: string[] = [];
  if (escalation.realerts > 0 && escalation.lastRealertAt !== null)
    lines.push(
      escalation.realerts === 1
        ? `Re-alerted at ${time(escalation.lastRealertAt)}`
        : `Re-alerted ${String(escalation.realerts)} times, last at ${time(escalation.lastRealertAt)}`,
    );
  for (const step of escalation.steps)
    if (step.releasedAt !== null) lines.push(`Escalated to ${whom(step)}, ${time(step.releasedAt)}`);
  const waiting = message.acknowledgement.by.length === 0 && message.text !== null;
  const next = escalation.steps.find((step) => step.releasedAt === null);
  if (waiting && next !== undefined)
    lines.push(`Escalates to ${whom(next)} at ${time(next.dueAt)} unless acknowledged`);
  return lines;
}

/** Whether any step has been released: the message is marked escalated until acknowledged. */
export function escalated(message: Facts): boolean {
  return message.escalation?.steps.some((step) => step.releasedAt !== null) ?? false;
}
