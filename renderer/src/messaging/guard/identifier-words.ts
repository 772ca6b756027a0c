/**
 * How the identifier check's findings are said to a person: "a social security number",
 * "2 phone numbers", several joined as a sentence lists them. Kinds and counts only: the words
 * never quote what was found. Pure, so the wording is tested without a browser.
 */
import { IDENTIFIER_NOUNS, type IdentifierCount } from '../../../../shared/text/identifier-guard/identifier-kinds';

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** "a social security number", "two phone numbers", "12 email addresses". */
export function countedPhrase({ kind, count }: IdentifierCount): string {
  const noun = IDENTIFIER_NOUNS[kind];
  return count === 1 ? noun.one : `${NUMBER_WORDS[count] ?? String(count)} ${noun.many}`;
}

/** "a, b and c". */
export function listPhrase(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`;
}

/** Everything found, as one phrase: "a social security number and two phone numbers". */
export function foundPhrase(found: readonly IdentifierCount[]): string {
  return listPhrase(found.map(countedPhrase));
}

/** Whether the phrase takes "it" or "them". */
export const pronounFor = (found: readonly IdentifierCount[]): 'it' | 'them' =>
  found.length === 1 && found[0]?.count === 1 ? 'it' : 'them';

/** The warning's question: "This message contains a social security number. Send anyway?" */
export function warningQuestion(found: readonly IdentifierCount[]): string {
  return `This message contains ${foundPhrase(found)}. Send anyway?`;
}

/** What the sender weighs before answering it. */
export function warningDetail(found: readonly IdentifierCount[]): string {
  return `Send only what your recipients need for the patient’s care. If they need ${pronounFor(found)}, send anyway: Wardline records that you did (which kind of identifier, never the text).`;
}

/** Why a message was refused, and what to do. */
export function blockedText(found: readonly IdentifierCount[]): string {
  return `This message cannot be sent: it contains ${foundPhrase(found)}, which hospital policy does not allow in messages. Remove ${pronounFor(found)}, then send.`;
}

/** Under the fields after a warning: what is flagged in the text as it is now. */
export function stillFlaggedText(found: readonly IdentifierCount[]): string {
  return found.length === 0 ? 'Nothing is flagged now.' : `Flagged in your message: ${foundPhrase(found)}.`;
}
