/**
 * What any displayed name, subject or label may contain: the one rule for text that says who or
 * what something is (a person's or role address's name, a department, a conversation's subject,
 * a patient label, a device name). Main applies it before a view reaches the renderer, and the
 * renderer applies it again where it renders such text.
 *
 * Invariant: the result holds no character that is invisible or changes the direction of the
 * text around it, so what is shown is what is there, in the order it is stored. Nothing in it
 * can make a sender's words read as another name, hide part of a name, or reorder a name.
 *
 * - Removed: every format character (Unicode Cf: bidi embeddings, overrides and isolates, LRM/RLM/
 *   ALM, zero-width space, joiners, word joiner, BOM, soft hyphen, invisible operators, the tag
 *   block, interlinear annotations), every Default_Ignorable_Code_Point (variation selectors,
 *   combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian selectors),
 *   lone surrogates and noncharacters. Removing ZWJ/ZWNJ may change a ligature or split an emoji
 *   sequence; a name stays legible, and a name's letters are what identify it.
 * - Made plain: control characters (Cc), line and paragraph separators and every other space
 *   (no-break, ideographic, braille blank...) become one ordinary space; runs collapse; ends trim.
 * - Bounded: at most MAX_MARKS combining marks follow one character (no text stacked over lines
 *   above and below), and at most `maxChars` code points are kept.
 * - NFC, so one name has one form on screen.
 *
 * Pure and dependency-free (no Node, no DOM): it runs in main, preload and the renderer alike.
 * Right-to-left letters are legitimate and stay; the renderer isolates each name (`<bdi>`) so an
 * RTL name cannot reorder the words beside it.
 */

/** Most combining marks kept after one base character (Vietnamese and Indic need fewer). */
export const MAX_MARKS = 4;

const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\p{Cs}]/gu;
const SPACE = /[\p{Cc}\p{Z}\u2800]+/gu;
const EXCESS_MARKS = new RegExp(`(\\p{M}{${String(MAX_MARKS)}})\\p{M}+`, 'gu');

/** `value` as it may be displayed: see the module header for the rule. */
export function displayText(value: string, maxChars = Number.POSITIVE_INFINITY): string {
  const cleaned = value.replace(INVISIBLE, '').normalize('NFC').replace(SPACE, ' ').replace(EXCESS_MARKS, '$1').trim();
  if (cleaned.length <= maxChars) return cleaned;
  // By code point, so a cut never leaves half a surrogate pair.
  return Array.from(cleaned).slice(0, maxChars).join('').trimEnd();
}

/** As `displayText`, but null when nothing visible is left (a subject of only invisible characters is no subject). */
export function displayTextOrNull(value: string | null, maxChars?: number): string | null {
  if (value === null) return null;
  const shown = displayText(value, maxChars);
  return shown === '' ? null : shown;
}

/** Whether `value` is already as `displayText` would show it. */
export function isDisplayText(value: string): boolean {
  return displayText(value) === value;
}
