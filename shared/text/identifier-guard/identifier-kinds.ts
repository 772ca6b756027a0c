/**
 * The kinds of identifier the minimum-necessary guard looks for before a message is sent, in the
 * order they are reported, with the words a person reads for each. Shared so that main (which
 * enforces), the renderer (which asks and highlights), the policy catalogue (which documents the
 * per-kind setting) and the audit catalogue (which records kinds and counts) name them alike.
 */
export const IDENTIFIER_KINDS = [
  'ssn',
  'card-number',
  'mrn',
  'date-of-birth',
  'phone',
  'email',
  'street-address',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** How many of one kind a message holds: what an audit record, an error and a warning carry. */
export interface IdentifierCount {
  readonly kind: IdentifierKind;
  readonly count: number;
}

/** Most of one kind counted: past this a message is not a message, and the number says enough. */
export const MAX_IDENTIFIER_COUNT = 1000;

/** One and many, for sentences ("a social security number", "2 phone numbers"). */
export const IDENTIFIER_NOUNS: Readonly<Record<IdentifierKind, { readonly one: string; readonly many: string }>> = {
  ssn: { one: 'a social security number', many: 'social security numbers' },
  'card-number': { one: 'a payment card number', many: 'payment card numbers' },
  mrn: { one: 'a medical record number', many: 'medical record numbers' },
  'date-of-birth': { one: 'a date of birth', many: 'dates of birth' },
  phone: { one: 'a phone number', many: 'phone numbers' },
  email: { one: 'an email address', many: 'email addresses' },
  'street-address': { one: 'a street address', many: 'street addresses' },
};

export function isIdentifierKind(value: string): value is IdentifierKind {
  return (IDENTIFIER_KINDS as readonly string[]).includes(value);
}

/**
 * A policy's list of kinds ("ssn, card-number"), or null when a name is not a kind or the list
 * is empty: a typo must refuse the policy, not quietly block nothing.
 */
export function parseIdentifierKinds(value: string): IdentifierKind[] | null {
  const names = value
    .split(/[,;]/)
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (names.length === 0 || !names.every(isIdentifierKind)) return null;
  return IDENTIFIER_KINDS.filter((kind) => names.includes(kind));
}
