/**
 * What the minimum-necessary guard looks for, as data: one row per way an identifier is written,
 * with the check that tells it from a clinical number of the same shape. The engine
 * (identifier-scan.ts) runs the rows in order; where two rows claim the same characters the
 * earlier wins, so rows that need a word before them ("DOB", "MRN", "call") come first.
 *
 * Why no detection library: those that serve TypeScript either call a cloud service, match any
 * run of digits (every dose and vital would trip them), or carry hundreds of patterns for other
 * countries; none knows a hospital's MRN formats or the numbers of a clinical message. The corpus
 * in test/unit/text/identifier-guard-corpus.test.ts holds these rows to both sides.
 *
 * Every pattern is vetted for cost: bounded quantifiers only, no nested unbounded repetition, and
 * lookbehinds so a run of letters or digits is tried from its start only. A 10,000-character
 * message of the worst inputs a test could think of scans in milliseconds.
 *
 * Not caught, on purpose: a date with no day ("03/2015"), a year alone ("born 1948"), a local
 * number of seven digits without a word such as "call" or "phone" before it, internal extensions
 * and bleeps (four or five digits), digits typed in other scripts (full-width, Arabic-Indic).
 */
import type { IdentifierKind } from './identifier-kinds';
import type { MrnFormat } from './mrn-format';
import {
  digitsOf,
  fullYear,
  isCalendarDate,
  isCardNumber,
  isSsnStructure,
  monthNumber,
  type CalendarDate,
} from './number-checks';

/** What a scan depends on besides the text: the time (for dates of birth) and policy's MRN formats. */
export interface ScanContext {
  /** ms since the epoch. */
  readonly now: number;
  readonly mrnFormats: readonly MrnFormat[];
}

type Groups = Readonly<Record<string, string | undefined>>;

export interface IdentifierRule {
  readonly kind: IdentifierKind;
  /** For tests and reading: which way of writing it this row is. */
  readonly name: string;
  /** Global with indices (`dg`): the named group `id` is the identifier, else the whole match. */
  readonly pattern: RegExp;
  /** Whether this match is the identifier and not a number of its shape. */
  readonly accept?: (groups: Groups, context: ScanContext) => boolean;
}

/** Not inside a word, a decimal, a ratio or a range: "0.5", "120/80", "2-3" are not the start of one. */
const NUM_START = String.raw`(?<![\w/.+-])`;
const NUM_END = String.raw`(?![\w/-]|[.,]\d)`;

/** A full date written four ways; each rule wraps one of them. Group names say what each part is. */
const MONTH_NAMES = String.raw`Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?`;
const ORDINAL = String.raw`(?:st|nd|rd|th)?`;
const DATE_FORMATS = {
  /** 12/03/1948, 3-12-48, 12.03.1948: day and month in either order. */
  numeric: String.raw`(?<a>\d{1,2})(?<sep>[/.-])(?<b>\d{1,2})\k<sep>(?<y>\d{4}|\d{2})`,
  /** 1948-03-12 */
  iso: String.raw`(?<y>\d{4})(?<sep>[-/.])(?<m>\d{1,2})\k<sep>(?<d>\d{1,2})`,
  /** 12 March 1948, 12th Mar 48, 12-Mar-1948 */
  dayMonth: String.raw`(?<d>\d{1,2})${ORDINAL}(?:[ -]|\s?of\s)(?<mon>${MONTH_NAMES})\.?,?[ -](?<y>\d{4}|\d{2})`,
  /** March 12, 1948 */
  monthDay: String.raw`(?<mon>${MONTH_NAMES})\.?[ -](?<d>\d{1,2})${ORDINAL},?[ -](?<y>\d{4}|\d{2})`,
} as const;

const DOB_WORDS = String.raw`\b(?:DOB|D\.O\.B\.?|date of birth|birth ?date|born(?: on)?)\s{0,3}[:=-]?\s{0,3}`;
/** A date with no birth word is taken for one only this far back: a recent date is an admission, a result. */
export const UNLABELLED_BIRTH_DATE_YEARS = 10;

/** Every calendar date the parts can mean (12/03 is 12 March or December 3). */
function datesOf(groups: Groups, now: number): CalendarDate[] {
  const y = groups.y ?? '';
  const year = y.length === 2 ? fullYear(Number(y), new Date(now).getUTCFullYear()) : Number(y);
  if (groups.mon !== undefined) {
    const month = monthNumber(groups.mon);
    return month === null ? [] : [{ year, month, day: Number(groups.d) }];
  }
  if (groups.m !== undefined) return [{ year, month: Number(groups.m), day: Number(groups.d) }];
  const [a, b] = [Number(groups.a), Number(groups.b)];
  return [
    { year, month: b, day: a },
    { year, month: a, day: b },
  ].filter(isCalendarDate);
}

const utc = ({ year, month, day }: CalendarDate): number => Date.UTC(year, month - 1, day);

/** After a birth word: any real date that is not in the future. */
function labelledBirthDate(groups: Groups, { now }: ScanContext): boolean {
  return datesOf(groups, now).some((date) => isCalendarDate(date) && date.year >= 1880 && utc(date) <= now);
}

/** Without one: a real date with a four-digit year, every reading of it at least ten years back. */
function unlabelledBirthDate(groups: Groups, { now }: ScanContext): boolean {
  if ((groups.y ?? '').length !== 4) return false;
  const dates = datesOf(groups, now).filter(isCalendarDate);
  const today = new Date(now);
  const cutoff = Date.UTC(
    today.getUTCFullYear() - UNLABELLED_BIRTH_DATE_YEARS,
    today.getUTCMonth(),
    today.getUTCDate(),
  );
  return dates.length > 0 && dates.every((date) => date.year >= 1880 && utc(date) <= cutoff);
}

const ssn = (groups: Groups) => isSsnStructure(digitsOf(groups.id ?? ''));
const card = (groups: Groups) => isCardNumber(digitsOf(groups.id ?? ''));
const hasDigits = (count: number) => (groups: Groups) => digitsOf(groups.id ?? '').length >= count;

/** The last label of an address's domain is letters: "x@ward.4" is not one. */
const emailDomain = (groups: Groups) => /\.[A-Za-z]{2,63}$/.test(groups.id ?? '');

const STREET_WORDS = [
  'Street',
  'Avenue',
  'Road',
  'Boulevard',
  'Lane',
  'Drive',
  'Court',
  'Place',
  'Terrace',
  'Way',
  'Close',
  'Crescent',
  'Parkway',
  'Highway',
  'Circle',
  'Square',
  'Trail',
  'Mews',
  'Gardens',
  'Grove',
];
const ADDRESS_WORDS = String.raw`\b(?:lives at|living at|resides at|residing at|home address(?: is)?:?|address:)\s{1,3}`;
/** Abbreviations: "Dr" and "St" before a name are a doctor and a saint, not a street. */
const STREET_ABBREVIATIONS = ['St', 'Ave', 'Rd', 'Blvd', 'Ln', 'Dr', 'Ct', 'Pl', 'Ter', 'Pkwy', 'Hwy', 'Cir', 'Sq'];
const STREET_SUFFIX =
  `(?:${STREET_WORDS.map((word) => `[${word[0] ?? ''}${(word[0] ?? '').toLowerCase()}]${word.slice(1)}`).join('|')})\\b` +
  `|(?:${STREET_ABBREVIATIONS.join('|')})\\b(?!\\.?\\s[A-Z][a-z])\\.?`;
/** The street's name: one to four capitalised words or ordinals ("Oak", "Martin Luther King", "5th"). */
const STREET_NAME = String.raw`(?: (?:[A-Z][A-Za-z'-]{0,30}\.?|\d{1,3}(?:st|nd|rd|th)))${'{1,4}'}`;

const rule = (
  kind: IdentifierKind,
  name: string,
  source: string,
  flags: '' | 'i',
  accept?: IdentifierRule['accept'],
): IdentifierRule => ({ kind, name, pattern: new RegExp(source, `dg${flags}`), ...(accept ? { accept } : {}) });

/** Rows that need a word before them: the surest, so they claim their characters first. */
const LABELLED: readonly IdentifierRule[] = [
  rule(
    'ssn',
    'ssn after "SSN"',
    String.raw`\b(?:SSN|SS#|S\.S\.N\.?|SS No\.?|social security(?: number| no\.?| #)?|soc\.? ?sec\.?(?: no\.?| number| #)?)\s{0,3}(?:[:#=-]|is)?\s{0,3}(?<id>\d{3}(?<sep>[- ]?)\d{2}\k<sep>\d{4})${NUM_END}`,
    'i',
    ssn,
  ),
  rule(
    'mrn',
    'record number after "MRN"',
    String.raw`\b(?:MRN|M\.R\.N\.?|medical record(?: number| no\.?| #)?|med\.? ?rec(?:ord)?(?: number| no\.?| #)?|(?:hospital|hosp\.?|chart|record|unit|patient|pt\.?) (?:number|no\.?|#|id)|UR (?:number|no\.?)|URN)\s{0,3}(?:[:#=-]|is)?\s{0,3}(?<id>[A-Z0-9][A-Z0-9-]{2,18}[A-Z0-9])(?![\w-])`,
    'i',
    hasDigits(3),
  ),
  ...Object.entries(DATE_FORMATS).map(([name, format]) =>
    rule('date-of-birth', `${name} date after "DOB"`, `${DOB_WORDS}(?<id>${format})${NUM_END}`, 'i', labelledBirthDate),
  ),
  rule(
    'phone',
    'local number after "call"',
    String.raw`\b(?:call|phone|ph|tel|telephone|mobile|mob|cell|home|contact|ring|text)\b[^\d\n]{0,12}?(?<![\d])(?<id>[2-9]\d{2}[-.]\d{4})(?![\w-])`,
    'i',
  ),
  rule(
    'street-address',
    'street after "lives at"',
    String.raw`${ADDRESS_WORDS}(?<id>\d{1,5}[A-Za-z]?(?: [A-Za-z0-9][A-Za-z0-9'.-]{0,30}){0,3}? (?:${STREET_WORDS.join('|')}))\b`,
    'i',
  ),
  rule(
    'street-address',
    'number and words after "lives at"',
    String.raw`${ADDRESS_WORDS}(?<id>\d{1,5}[A-Za-z]?(?: (?!(?:with|and|in|on|for|to|since|alone|but|or|at)\b)[A-Za-z0-9][A-Za-z0-9'.-]{0,30}){1,3})`,
    'i',
  ),
];

/** Rows that stand alone, each with the check that keeps clinical numbers out. */
const UNLABELLED: readonly IdentifierRule[] = [
  rule(
    'email',
    'email address',
    String.raw`(?<![\w.%+-])(?<id>[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})(?![\w-])`,
    '',
    emailDomain,
  ),
  rule('card-number', 'card digits run together', `${NUM_START}(?<id>\\d{13,19})${NUM_END}`, '', card),
  rule(
    'card-number',
    'card digits in fours',
    String.raw`${NUM_START}(?<id>\d{4}(?<sep>[ -])\d{4}\k<sep>\d{4}\k<sep>\d{1,4}(?:\k<sep>\d{3})?)${NUM_END}`,
    '',
    card,
  ),
  rule(
    'card-number',
    'card digits 4-6-5',
    String.raw`${NUM_START}(?<id>\d{4}(?<sep>[ -])\d{6}\k<sep>\d{4,5})${NUM_END}`,
    '',
    card,
  ),
  rule('ssn', 'ssn 3-2-4', String.raw`${NUM_START}(?<id>\d{3}(?<sep>[- ])\d{2}\k<sep>\d{4})${NUM_END}`, '', ssn),
  rule(
    'phone',
    'North American number',
    String.raw`(?<![\w/.+-])(?<id>(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-]?)[2-9]\d{2}[ .-]?\d{4})${NUM_END}`,
    '',
  ),
  rule('phone', 'international number', String.raw`(?<![\w+])(?<id>\+[1-9](?:[ .()-]{0,2}\d){7,14})(?!\d)`, ''),
  ...Object.entries(DATE_FORMATS).map(([name, format]) =>
    rule('date-of-birth', `${name} date long ago`, `${NUM_START}(?<id>${format})${NUM_END}`, 'i', unlabelledBirthDate),
  ),
  rule(
    'street-address',
    'number, street name and street word',
    `(?<![\\w/.-])(?<id>\\d{1,5}[A-Za-z]?${STREET_NAME} (?:${STREET_SUFFIX}))(?![\\w])`,
    '',
  ),
  rule('street-address', 'post office box', String.raw`\b(?<id>P\.? ?O\.? ?Box\s{1,3}\d{1,6})\b`, 'i'),
];

/** The rows for a scan, in order: labelled ones, then the hospital's MRN formats, then the rest. */
export function identifierRules(mrnFormats: readonly MrnFormat[]): readonly IdentifierRule[] {
  const formats = mrnFormats.map((format): IdentifierRule => ({
    kind: 'mrn',
    name: `MRN format ${format.spec}`,
    pattern: new RegExp(format.pattern.source, 'dg'),
  }));
  return [...LABELLED, ...formats, ...UNLABELLED];
}
