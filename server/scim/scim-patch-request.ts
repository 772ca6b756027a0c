/**
 * A SCIM PATCH (RFC 7644 §3.5.2) applied to a User as the server renders it, by scim-patch:
 * what comes out is read again as a whole User (scim-schemas.ts), so a PATCH can reach nothing a
 * PUT could not.
 *
 * Every path, and every key of a value without a path, is checked here first against the
 * attributes the User schema and the enterprise extension name, and rewritten in their canonical
 * spelling (attribute names are case-insensitive). That check is also what keeps scim-patch
 * safe: it walks a path's segments as object keys, so `constructor.prototype.x` would reach
 * Object.prototype. Only a known attribute, then at most one sub-attribute, passes.
 *
 * Pure: the current User in, the patched User (unchecked) or a SCIM failure out.
 */
import { scimPatch, ScimError, NoTarget, type ScimPatchOperation } from 'scim-patch';
import { badRequest, scimOk, type ScimResult } from './scim-errors';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, type PatchOperation } from './scim-schemas';

const CORE_ATTRIBUTES = [
  'id',
  'externalId',
  'userName',
  'name',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'active',
  'password',
  'emails',
  'phoneNumbers',
  'ims',
  'photos',
  'addresses',
  'groups',
  'entitlements',
  'roles',
  'x509Certificates',
] as const;
const ENTERPRISE_ATTRIBUTES = ['department', 'employeeNumber', 'costCenter', 'organization', 'division', 'manager'];

const canonical = (names: readonly string[]) => new Map(names.map((name) => [name.toLowerCase(), name]));
const CORE = canonical(CORE_ATTRIBUTES);
const ENTERPRISE = canonical(ENTERPRISE_ATTRIBUTES);

/** `[schema URN:]attribute[[filter]][.subAttribute]`; the filter is scim-patch's (scim2-parse-filter) to read. */
const PATH =
  /^(?:(urn:ietf:params:scim:schemas:(?:core|extension:enterprise):2\.0:User):)?([A-Za-z][A-Za-z0-9_-]*)(\[[^[\]]{1,200}\])?(?:\.([A-Za-z][A-Za-z0-9_-]*))?$/i;
const SUB_ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** Names an object has without being given them: a sub-attribute is assigned, never walked, but none of these is an attribute anyway. */
const NOT_ATTRIBUTES = new Set(['constructor', 'prototype', '__proto__', 'tostring', 'valueof', 'hasownproperty']);

const invalidPath = badRequest('invalidPath', 'The path names no attribute of the User schema Wardline supports.');

/** The path in canonical spelling, or null if it names nothing the User schema has. */
export function canonicalPath(path: string): string | null {
  const match = PATH.exec(path);
  if (match === null) return null;
  const [, urn, attribute = '', filter = '', sub] = match;
  const enterprise = urn !== undefined && urn.toLowerCase() === ENTERPRISE_USER_SCHEMA.toLowerCase();
  const name = (enterprise ? ENTERPRISE : CORE).get(attribute.toLowerCase());
  if (name === undefined) return null;
  if (sub !== undefined && (!SUB_ATTRIBUTE.test(sub) || NOT_ATTRIBUTES.has(sub.toLowerCase()))) return null;
  const tail = `${filter}${sub === undefined ? '' : `.${sub}`}`;
  return enterprise ? `${ENTERPRISE_USER_SCHEMA}:${name}${tail}` : `${name}${tail}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isExtension = (key: string) => key.toLowerCase() === ENTERPRISE_USER_SCHEMA.toLowerCase();

/**
 * A value without a path, with every key checked and canonical. The extension's object
 * (`{"urn:…:enterprise:2.0:User": {department}}`) becomes one key per attribute: scim-patch reads
 * a key's last colon as the attribute and would misplace it.
 */
function canonicalValue(value: unknown): ScimResult<Record<string, unknown>> {
  if (!isObject(value)) return badRequest('invalidValue', 'An operation without a path needs an object value.');
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.toLowerCase() === USER_SCHEMA.toLowerCase() || key === 'schemas' || key === 'meta') continue;
    const entries = isExtension(key) && isObject(inner) ? Object.entries(inner) : [[key, inner] as const];
    for (const [name, attributeValue] of entries) {
      const path = canonicalPath(isExtension(key) ? `${ENTERPRISE_USER_SCHEMA}:${name}` : name);
      // A key is an attribute (and its sub-attribute), never a filter: scim-patch would take it literally.
      if (path === null || path.includes('[')) return invalidPath;
      result[path] = attributeValue;
    }
  }
  return scimOk(result);
}

/** The operation scim-patch applies, or why it cannot be applied. */
function checkedOperation(operation: PatchOperation): ScimResult<ScimPatchOperation[]> {
  const { op, path, value } = operation;
  if (op === 'remove') {
    if (path === undefined) return badRequest('noTarget', 'A remove needs a path.');
    const canonicalRemove = canonicalPath(path);
    if (canonicalRemove === null) return invalidPath;
    return scimOk([{ op, path: canonicalRemove, ...(value === undefined ? {} : { value }) }]);
  }
  if (value === undefined) return badRequest('invalidValue', 'An add or replace needs a value.');
  // The whole extension as the path: the value's keys are its attributes.
  if (path !== undefined && isExtension(path)) {
    if (!isObject(value)) return badRequest('invalidValue', 'The extension takes an object value.');
    return checkedOperation({ op, value: { [ENTERPRISE_USER_SCHEMA]: value } });
  }
  if (path === undefined) {
    const checked = canonicalValue(value);
    return checked.ok ? scimOk([{ op, value: checked.value }]) : checked;
  }
  const canonicalAddPath = canonicalPath(path);
  return canonicalAddPath === null ? invalidPath : scimOk([{ op, path: canonicalAddPath, value }]);
}

/** The User after every operation, in order, or the first reason one cannot apply (nothing applies then). */
export function patchedUser(current: Record<string, unknown>, operations: readonly PatchOperation[]) {
  const checked: ScimPatchOperation[] = [];
  for (const operation of operations) {
    const one = checkedOperation(operation);
    if (!one.ok) return one;
    checked.push(...one.value);
  }
  const copy = structuredClone(current) as unknown as Parameters<typeof scimPatch>[0];
  try {
    return scimOk<unknown>(scimPatch(copy, checked, { mutateDocument: true, treatMissingAsAdd: true }));
  } catch (error) {
    // scim-patch's messages quote the request: never passed on.
    if (error instanceof NoTarget) return badRequest('noTarget', 'The path matched nothing to replace.');
    if (error instanceof ScimError || error instanceof TypeError)
      return badRequest('invalidValue', 'The operation cannot apply to this User.');
    throw error;
  }
}
