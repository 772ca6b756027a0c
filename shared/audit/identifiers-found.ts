/**
 * A guard record's `found` (kinds and counts) as one line of text, "ssn:1,phone:2", for the
 * forms that carry it as a single value: a FHIR entity detail and a syslog parameter. Reading it
 * back answers what the line says, checked only for shape: the catalogue's schema then decides
 * whether it is a record (so a tampered line is refused where every other field is).
 */
import type { AuditObject } from './audit-event';

type Found = Extract<AuditObject, { kind: 'identifiers' }>['found'];

export function identifiersFoundText(found: Found): string {
  return found.map(({ identifier, count }) => `${identifier}:${String(count)}`).join(',');
}

/** The entries the line names, or null when it is not a list of `word:number`. */
export function identifiersFoundFromText(text: string): { identifier: string; count: number }[] | null {
  const entries = text.split(',').map((entry) => /^([a-z-]{1,40}):(0|[1-9]\d{0,6})$/.exec(entry));
  if (entries.some((entry) => entry === null)) return null;
  return entries.map((entry) => ({ identifier: entry?.[1] ?? '', count: Number(entry?.[2]) }));
}
