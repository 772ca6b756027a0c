/**
 * The line under a person's or role address's name: role, department, title; for a role address
 * its department and how many people a message reaches. Blank parts are skipped, never shown as
 * "null".
 */
import type { Role } from '../../../shared/access/permission-matrix';
import { roleLabel } from './role-label';

export interface PersonFacts {
  readonly role: Role | null;
  readonly department: string | null;
  readonly title: string | null;
}

export function personDetails(person: PersonFacts): string {
  return joinParts([person.role === null ? null : roleLabel(person.role), person.department, person.title]);
}

export function roleAddressDetails(address: { readonly department: string; readonly memberCount: number }): string {
  const members = address.memberCount === 1 ? '1 member' : `${String(address.memberCount)} members`;
  return joinParts(['Role address', address.department, members]);
}

function joinParts(parts: readonly (string | null)[]): string {
  return parts
    .map((part) => part?.trim() ?? '')
    .filter((part) => part !== '')
    .join(' · ');
}
