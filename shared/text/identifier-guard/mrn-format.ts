/**
 * The hospital's medical record number formats, as machine policy states them: a small pattern
 * language rather than regular expressions, so IT cannot write one that backtracks for ever or
 * matches everything, and a reader of the policy can tell what it means.
 *
 * A format is a run of characters where `#` stands for one digit, `@` for one letter and any
 * other letter, digit, `-`, `.` or `/` for itself (letters in either case). `M#######` is "M" and
 * seven digits; `##-##-####` is digits grouped by dashes. Several formats are separated by `;`.
 * A format has 4 to 32 characters, at least 4 of them `#` (a format of letters alone would match
 * ordinary words); at most 10 formats.
 *
 * A compiled format is a fixed-length pattern (escaped literals, `\d` and `[A-Za-z]`, no
 * quantifier or alternative), matched only where neither side touches another letter or digit:
 * its cost is linear in the text.
 */
import { err, ok, type Result } from '../../result';

export const MAX_MRN_FORMATS = 10;
const MIN_FORMAT_LENGTH = 4;
const MAX_FORMAT_LENGTH = 32;
const MIN_DIGITS = 4;

/** Why a format list is refused, in words for IT (the policy check prints it). */
export type MrnFormatProblem = string;

/** A policy's formats, ready to match. */
export interface MrnFormat {
  /** As policy wrote it, for a test or an error to name. */
  readonly spec: string;
  readonly pattern: RegExp;
}

const LITERAL = /^[A-Za-z0-9./-]$/;

function compile(spec: string): Result<MrnFormat, MrnFormatProblem> {
  if (spec.length < MIN_FORMAT_LENGTH || spec.length > MAX_FORMAT_LENGTH)
    return err(`a format has ${String(MIN_FORMAT_LENGTH)} to ${String(MAX_FORMAT_LENGTH)} characters`);
  let source = '';
  let digits = 0;
  for (const char of spec) {
    if (char === '#') {
      source += '\\d';
      digits++;
    } else if (char === '@') {
      source += '[A-Za-z]';
    } else if (LITERAL.test(char)) {
      // Letters in either case; digits as they are; "-", "." and "/" escaped.
      source += /[A-Za-z]/.test(char)
        ? `[${char.toUpperCase()}${char.toLowerCase()}]`
        : /\d/.test(char)
          ? char
          : `\\${char}`;
    } else {
      return err('a format holds only # (a digit), @ (a letter), letters, digits, "-", "." and "/"');
    }
  }
  if (digits < MIN_DIGITS) return err(`a format needs at least ${String(MIN_DIGITS)} # (digits)`);
  return ok({ spec, pattern: new RegExp(`(?<![A-Za-z0-9])${source}(?![A-Za-z0-9])`, 'g') });
}

/** The formats in a policy value (null: none), or the first problem found. */
export function parseMrnFormats(value: string | null): Result<readonly MrnFormat[], MrnFormatProblem> {
  if (value === null) return ok([]);
  const specs = value
    .split(';')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '');
  if (specs.length === 0) return err('no format given');
  if (specs.length > MAX_MRN_FORMATS) return err(`at most ${String(MAX_MRN_FORMATS)} formats`);
  const formats: MrnFormat[] = [];
  for (const spec of specs) {
    const compiled = compile(spec);
    if (!compiled.ok) return err(`"${spec.slice(0, MAX_FORMAT_LENGTH)}": ${compiled.error}`);
    formats.push(compiled.value);
  }
  return ok(formats);
}
