/**
 * The escalation form's rules in the Administration view, before anything is sent: the
 * organisation's default, or the role address's own times in whole minutes (re-alert every n
 * minutes or never, backup after n, everyone in the role after n), each 1 minute to 24 hours,
 * the backup before everyone, as the server demands, so its MALFORMED_REQUEST is not what the
 * admin meets. And how times are said. Pure.
 */
import {
  MAX_ESCALATION_DELAY_MS,
  MIN_ESCALATION_DELAY_MS,
  type RoleEscalationTimes,
} from '../../../../shared/protocol/escalation';
import { err, ok, type Result } from '../../../../shared/result';

const MINUTE_MS = 60_000;
const MIN_MINUTES = MIN_ESCALATION_DELAY_MS / MINUTE_MS;
const MAX_MINUTES = MAX_ESCALATION_DELAY_MS / MINUTE_MS;

export interface EscalationForm {
  /** Follow the organisation's times (the role address has none of its own). */
  readonly useOrganisation: boolean;
  readonly repeatNever: boolean;
  /** Minutes as typed. */
  readonly repeatMinutes: string;
  readonly backupMinutes: string;
  readonly everyoneMinutes: string;
}

export type EscalationField = 'repeatMinutes' | 'backupMinutes' | 'everyoneMinutes';
export type EscalationErrors = Partial<Record<EscalationField, string>>;
/** The fields in the form's order, for focus to go to the first mistake. */
export const ESCALATION_FIELDS: readonly EscalationField[] = ['repeatMinutes', 'backupMinutes', 'everyoneMinutes'];

/** 120000 as "2"; a time set other than in whole minutes (through the API) shows its fraction. */
export const minutesOf = (ms: number): string => String(Math.round((ms / MINUTE_MS) * 100) / 100);

/**
 * The form as the address stands: its own times, or the organisation's to start from should the
 * admin choose to set its own.
 */
export function escalationFormOf(own: RoleEscalationTimes | null, organisation: RoleEscalationTimes): EscalationForm {
  const shown = own ?? organisation;
  return {
    useOrganisation: own === null,
    repeatNever: shown.repeatEveryMs === null,
    // Ticking "never" off again offers the organisation's interval, or 2 minutes if it has none.
    repeatMinutes: minutesOf(shown.repeatEveryMs ?? organisation.repeatEveryMs ?? 2 * MINUTE_MS),
    backupMinutes: minutesOf(shown.backupAfterMs),
    everyoneMinutes: minutesOf(shown.everyoneAfterMs),
  };
}

const BOUNDS_TEXT = `Enter whole minutes from ${String(MIN_MINUTES)} to ${MAX_MINUTES.toLocaleString('en-GB')} (24 hours).`;

/** Whole minutes within the bounds, as milliseconds; null if the text is not that. */
function delayOf(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return null;
  const minutes = Number(trimmed);
  return minutes >= MIN_MINUTES && minutes <= MAX_MINUTES ? minutes * MINUTE_MS : null;
}

/** The times to send (null: the organisation's), or what is wrong with each field. */
export function checkEscalation(form: EscalationForm): Result<RoleEscalationTimes | null, EscalationErrors> {
  if (form.useOrganisation) return ok(null);
  const errors: EscalationErrors = {};
  const repeatEveryMs = form.repeatNever ? null : delayOf(form.repeatMinutes);
  const backupAfterMs = delayOf(form.backupMinutes);
  const everyoneAfterMs = delayOf(form.everyoneMinutes);
  if (!form.repeatNever && repeatEveryMs === null) errors.repeatMinutes = `${BOUNDS_TEXT} Or choose Never.`;
  if (backupAfterMs === null) errors.backupMinutes = BOUNDS_TEXT;
  if (everyoneAfterMs === null) errors.everyoneMinutes = BOUNDS_TEXT;
  else if (backupAfterMs !== null && everyoneAfterMs <= backupAfterMs)
    errors.everyoneMinutes = `Must be later than the backup: more than ${minutesOf(backupAfterMs)} minutes.`;
  if (Object.keys(errors).length > 0 || backupAfterMs === null || everyoneAfterMs === null) return err(errors);
  return ok({ repeatEveryMs, backupAfterMs, everyoneAfterMs });
}

/** "2 / 5 / 10 min", "never / 5 / 10 min": re-alert, backup, everyone, as the default's label says them. */
export function escalationShort(times: RoleEscalationTimes): string {
  const repeat = times.repeatEveryMs === null ? 'never' : minutesOf(times.repeatEveryMs);
  return `${repeat} / ${minutesOf(times.backupAfterMs)} / ${minutesOf(times.everyoneAfterMs)} min`;
}

/** The times in words: "Re-alert every 2 min; backup after 5 min; everyone in the role after 10 min." */
export function escalationSentence(times: RoleEscalationTimes): string {
  const repeat = times.repeatEveryMs === null ? 'No re-alerts' : `Re-alert every ${minutesOf(times.repeatEveryMs)} min`;
  return `${repeat}; backup after ${minutesOf(times.backupAfterMs)} min; everyone in the role after ${minutesOf(times.everyoneAfterMs)} min.`;
}
