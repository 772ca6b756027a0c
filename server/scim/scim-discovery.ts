/**
 * SCIM's discovery documents (RFC 7644 §4, RFC 7643 §5-7), which Entra ID and Okta read when a
 * connection is set up: what the service supports (PATCH and the `userName eq` filter; no bulk,
 * sort, ETags or password changes), the one resource type (User, with the enterprise extension),
 * and the schemas of the attributes Wardline keeps. Fixed documents; only `meta.location` varies.
 *
 * Pure.
 */
import { ENTERPRISE_USER_SCHEMA, LIST_RESPONSE_SCHEMA, SCIM_PAGE_MAX, USER_SCHEMA } from './scim-schemas';

const SCIM_BASE = '/scim/v2';

const attribute = (
  name: string,
  description: string,
  options: { required?: boolean; mutability?: 'readWrite' | 'immutable'; uniqueness?: 'none' | 'server' } = {},
) => ({
  name,
  type: name === 'active' ? 'boolean' : 'string',
  multiValued: false,
  description,
  required: options.required ?? false,
  caseExact: false,
  mutability: options.mutability ?? 'readWrite',
  returned: 'default',
  uniqueness: options.uniqueness ?? 'none',
});

const USER_ATTRIBUTES = [
  attribute('userName', 'The Wardline user id: lower case, never reused.', {
    required: true,
    mutability: 'immutable',
    uniqueness: 'server',
  }),
  attribute('externalId', "The directory's own id for the person, kept as given."),
  attribute('displayName', 'The name colleagues see.', { required: true }),
  {
    name: 'name',
    type: 'complex',
    multiValued: false,
    description: 'Read for the display name when displayName is absent.',
    required: false,
    mutability: 'readWrite',
    returned: 'default',
    subAttributes: [
      attribute('formatted', 'The full name.'),
      attribute('givenName', 'Given name.'),
      attribute('familyName', 'Family name.'),
    ],
  },
  attribute('title', 'Job title.'),
  attribute('active', 'May sign in. false ends every session at once.'),
  {
    name: 'roles',
    type: 'complex',
    multiValued: true,
    description: 'One of nurse, physician, front-desk, compliance-officer; set at creation, never changed by SCIM.',
    required: true,
    mutability: 'immutable',
    returned: 'default',
    subAttributes: [attribute('value', 'The Wardline role.', { required: true }), attribute('primary', 'Ignored.')],
  },
];

const schemaDocument = (id: string, name: string, description: string, attributes: unknown[], base: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
  id,
  name,
  description,
  attributes,
  meta: { resourceType: 'Schema', location: `${base}${SCIM_BASE}/Schemas/${id}` },
});

const listOf = (resources: unknown[]) => ({
  schemas: [LIST_RESPONSE_SCHEMA],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

export function serviceProviderConfig(base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: SCIM_PAGE_MAX },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: "A token IT issues in Wardline's administration, sent as Authorization: Bearer.",
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}${SCIM_BASE}/ServiceProviderConfig` },
  };
}

export function userResourceType(base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A person who may sign in to Wardline.',
    schema: USER_SCHEMA,
    schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
    meta: { resourceType: 'ResourceType', location: `${base}${SCIM_BASE}/ResourceTypes/User` },
  };
}

export const resourceTypes = (base: string) => listOf([userResourceType(base)]);

/** The schemas by id. */
export function schemaDocuments(base: string): ReadonlyMap<string, unknown> {
  return new Map([
    [USER_SCHEMA, schemaDocument(USER_SCHEMA, 'User', 'A Wardline person.', USER_ATTRIBUTES, base)],
    [
      ENTERPRISE_USER_SCHEMA,
      schemaDocument(
        ENTERPRISE_USER_SCHEMA,
        'EnterpriseUser',
        'The enterprise extension: Wardline keeps the department.',
        [attribute('department', 'Department.')],
        base,
      ),
    ],
  ]);
}

export const schemas = (base: string) => listOf([...schemaDocuments(base).values()]);
