/**
 * What a SCIM client may send (RFC 7643 User, RFC 7644 PatchOp and list queries), as zod
 * schemas: every attribute of the core User schema and the enterprise extension is known by
 * name, the ones Wardline keeps are checked in full, the rest are accepted (a directory sends
 * them) and never stored; any other attribute refuses the request. Sizes are bounded here and by
 * the route's body limit.
 */
import { z } from 'zod';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A page of users at most; ServiceProviderConfig says so. */
export const SCIM_PAGE_MAX = 100;
/** A PATCH with more operations than this is refused (a directory sends a handful). */
export const SCIM_PATCH_OPERATIONS_MAX = 50;

/** Entra ID sends `"False"` and `"True"` for booleans in PATCH values; any case is read as the boolean. */
export const scimBoolean = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i)
    .transform((value) => value.toLowerCase() === 'true'),
]);

const text = (max: number) => z.string().max(max).nullish();
/** An attribute Wardline does not keep: any JSON, bounded by the body limit, dropped. */
const ignored = z.unknown().optional();

const name = z
  .strictObject({
    formatted: text(200),
    familyName: text(200),
    givenName: text(200),
    middleName: text(200),
    honorificPrefix: text(100),
    honorificSuffix: text(100),
  })
  .nullish();

const role = z.strictObject({
  value: z.string().max(100),
  display: text(200),
  type: text(100),
  primary: scimBoolean.nullish(),
});

const enterprise = z
  .strictObject({
    department: text(200),
    employeeNumber: ignored,
    costCenter: ignored,
    organization: ignored,
    division: ignored,
    manager: ignored,
  })
  .nullish();

/**
 * A User as POST and PUT send it, and as a PATCH leaves it. `id` and `meta` are the server's
 * (read-only: ignored, RFC 7643 §3.1); `password` is refused by the mapping, never stored.
 */
export const scimUserInput = z.strictObject({
  schemas: z.array(z.string().max(200)).min(1).max(10),
  id: ignored,
  meta: ignored,
  externalId: text(200),
  userName: z.string().max(256),
  name,
  displayName: text(200),
  nickName: ignored,
  profileUrl: ignored,
  title: text(200),
  userType: ignored,
  preferredLanguage: ignored,
  locale: ignored,
  timezone: ignored,
  active: scimBoolean.nullish(),
  password: ignored,
  emails: ignored,
  phoneNumbers: ignored,
  ims: ignored,
  photos: ignored,
  addresses: ignored,
  groups: ignored,
  entitlements: ignored,
  roles: z.array(role).max(20).nullish(),
  x509Certificates: ignored,
  [ENTERPRISE_USER_SCHEMA]: enterprise,
});
export type ScimUserInput = z.output<typeof scimUserInput>;

/** One PATCH operation: the op in any case (Entra ID sends `Replace`), a path, a value. */
const patchOperation = z.strictObject({
  op: z
    .string()
    .regex(/^(add|replace|remove)$/i)
    .transform((op) => op.toLowerCase() as 'add' | 'replace' | 'remove'),
  path: z.string().min(1).max(300).optional(),
  value: z.unknown().optional(),
});
export type PatchOperation = z.output<typeof patchOperation>;

export const scimPatchRequest = z.strictObject({
  schemas: z.tuple([z.literal(PATCH_OP_SCHEMA)]),
  Operations: z.array(patchOperation).min(1).max(SCIM_PATCH_OPERATIONS_MAX),
});

/** A decimal integer as a query parameter carries it, within bounds (RFC 7644 §3.4.2.4 lets the server cap). */
const queryInteger = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^-?\d{1,9}$/)
    .transform((value) => Math.min(max, Math.max(min, Number(value))))
    .optional()
    .transform((value) => value ?? fallback);

/** `GET /Users` query: a filter, and 1-based paging. Other parameters (attributes, sortBy) are ignored. */
export const scimListQuery = z.looseObject({
  filter: z.string().max(512).optional(),
  startIndex: queryInteger(1, 1_000_000_000, 1),
  count: queryInteger(0, SCIM_PAGE_MAX, SCIM_PAGE_MAX),
});
