/**
 * Compose's words for recipients refused because their role receives no secure messages
 * (RECIPIENT_NOT_PERMITTED, with their ids as `subjects`): each named as the form shows them,
 * and what to do about it. Names come from the form's own choices, never from the error.
 */
import type { RecipientChoice } from './recipient-choice';

function listed(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

export function notPermittedText(recipients: readonly RecipientChoice[], userIds: readonly string[]): string {
  const names = new Map(
    recipients.flatMap((choice) => choice.people.map((person) => [person.userId, person.name] as const)),
  );
  const shown = [...new Set(userIds)].map((userId) => names.get(userId) ?? userId);
  if (shown.length === 0)
    return 'A recipient works in a role that does not receive secure messages. Remove them from To.';
  const one = shown.length === 1;
  return `${listed(shown)} ${one ? 'works in a role that does' : 'work in roles that do'} not receive secure messages (compliance and IT staff use Wardline for other work). Remove them from To.`;
}
