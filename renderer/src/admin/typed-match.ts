/**
 * Whether what the admin typed to confirm names what they are acting on: the same text once both
 * are as they would be shown (trimmed, spaces collapsed, nothing invisible), in any case. Typing
 * is the point, not exact capitals; a name that differs in any letter does not match. Pure.
 */
import { displayText } from '../../../shared/text/display-text';

export function typedMatches(typed: string, expected: string): boolean {
  const want = displayText(expected).toLocaleLowerCase('en-GB');
  return want !== '' && displayText(typed).toLocaleLowerCase('en-GB') === want;
}
