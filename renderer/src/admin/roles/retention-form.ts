/**
 * The message retention form's rules in the Administration view, before anything is sent: the
 * organisation's bound, or the role address's own in whole days within the server's range
 * (shared/protocol/retention-days.ts), so its MALFORMED_REQUEST is not what the admin meets.
 * And how a bound is said. Pure.
 */
import { MAX_MESSAGE_RETENTION_DAYS, MIN_MESSAGE_RETENTION_DAYS } from '../../../../shared/protocol/retention-days';
import { err, ok, type Result } from '../../../../shared/result';

export interface RetentionForm {
  /** Follow the organisation's bound (the address has none of its own). */
  readonly useOrganisation: boolean;
  /** Days as typed. */
  readonly days: string;
}

/** The form as the address stands: its own bound, or the organisation's to start from. */
export function retentionFormOf(own: number | null, organisation: number): RetentionForm {
  return { useOrganisation: own === null, days: String(own ?? organisation) };
}

const count = (n: number) => n.toLocaleString('en-GB');

/** "2,190 days (6 years)", "30 days", "1 day": whole years named where the days are whole years. */
export function daysPhrase(days: number): string {
  const words = `${count(days)} ${days === 1 ? 'day' : 'days'}`;
  const years = days / 365;
  return Number.isInteger(years) ? `${words} (${count(years)} ${years === 1 ? 'year' : 'years'})` : words;
}

export const RETENTION_BOUNDS_TEXT = `Enter whole days from ${count(MIN_MESSAGE_RETENTION_DAYS)} to ${count(MAX_MESSAGE_RETENTION_DAYS)}.`;

/** The bound to send (null: the organisation's), or what is wrong with the days. */
export function checkRetention(form: RetentionForm): Result<number | null, string> {
  if (form.useOrganisation) return ok(null);
  const typed = form.days.trim();
  // Digits, or grouped by thousands as the default is shown ("2,190").
  if (!/^(\d{1,6}|\d{1,3}(,\d{3})+)$/.test(typed)) return err(RETENTION_BOUNDS_TEXT);
  const days = Number(typed.replaceAll(',', ''));
  return days >= MIN_MESSAGE_RETENTION_DAYS && days <= MAX_MESSAGE_RETENTION_DAYS
    ? ok(days)
    : err(RETENTION_BOUNDS_TEXT);
}

/**
 * What a bound shorter than the organisation's means, said before it is saved: messages of the
 * address older than it are deleted at the next run, and cannot be brought back. Null otherwise.
 */
export function shorterWarning(days: number | null, organisation: number): string | null {
  return days !== null && days < organisation
    ? `Shorter than the organisation’s ${daysPhrase(organisation)}: at the next daily run the server deletes this address’s messages older than ${daysPhrase(days)}, for good.`
    : null;
}
