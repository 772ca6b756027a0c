/**
 * The one filter Wardline answers (RFC 7644 §3.4.2.2): `userName eq "…"`, which is how Entra ID
 * and Okta look a person up before creating or updating them. The expression is parsed by
 * scim2-parse-filter (the standard grammar, not a hand-written reading); anything other than that
 * one comparison is `invalidFilter`, never a partial answer.
 *
 * Pure.
 */
import { parse } from 'scim2-parse-filter';
import { normalizeUserId } from '../../shared/protocol/identifiers';
import { badRequest, scimOk, type ScimResult } from './scim-errors';

export type UserQuery = { readonly kind: 'all' } | { readonly kind: 'userName'; readonly userName: string };

/** The attribute, bare or with the core schema's URN, in any case (attribute names are case-insensitive). */
const USER_NAME = /^(urn:ietf:params:scim:schemas:core:2\.0:User:)?userName$/i;

const unsupported = badRequest('invalidFilter', 'Wardline answers only the filter userName eq "<id>".');

export function userQueryOf(filter: string | undefined): ScimResult<UserQuery> {
  if (filter === undefined) return scimOk({ kind: 'all' });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(filter);
  } catch {
    return badRequest('invalidFilter', 'The filter does not parse.');
  }
  if (parsed.op !== 'eq' || !('attrPath' in parsed) || !USER_NAME.test(parsed.attrPath)) return unsupported;
  if (typeof parsed.compValue !== 'string') return unsupported;
  // userName is case-insensitive (RFC 7643 §4.1.1), and Wardline ids are lower case.
  return scimOk({ kind: 'userName', userName: normalizeUserId(parsed.compValue) });
}
