/**
 * A SCIM client that provisions the way Microsoft Entra ID's provisioning service does
 * (https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups):
 * it looks a person up with `filter=userName eq "…"`, creates them with a POST if absent (the
 * body Entra sends, with `externalId`, `emails`, `name` and the enterprise extension), updates
 * with PATCH operations written as Entra writes them (capitalised `Replace`/`Add`, extension
 * paths, string booleans), and deactivates with `Replace active "False"`. Every response's
 * media type and shape are checked; nothing here bends the protocol to the server.
 */
import https from 'node:https';
import { expect } from 'vitest';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface ScimResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The parsed body, or null for none (204). */
  readonly body: Record<string, unknown> | null;
}

/** A person in the directory, as the source of a sync. */
export interface DirectoryPerson {
  readonly userPrincipalName: string;
  readonly objectId: string;
  readonly givenName: string;
  readonly surname: string;
  readonly jobTitle: string;
  readonly department: string;
  /** The app role assigned to them in Entra (`roles[].value`). */
  readonly appRole: string;
  readonly mail: string;
}

export interface ScimClient {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ScimResponse>;
  /** Entra's lookup before any write: the one User with this userName, or null. */
  findByUserName(userName: string): Promise<Record<string, unknown> | null>;
  /** Entra's create: POST /Users with what its default attribute mappings send. */
  create(person: DirectoryPerson): Promise<ScimResponse>;
  /** Entra's update: PATCH with one `Replace` per changed attribute. */
  update(id: string, changes: { jobTitle?: string; department?: string; displayName?: string }): Promise<ScimResponse>;
  /** Entra's disable (the person disabled or unassigned in the directory). */
  deactivate(id: string): Promise<ScimResponse>;
  /** Entra's re-enable. */
  reactivate(id: string): Promise<ScimResponse>;
  close(): void;
}

/** userName as Entra is told to map it for Wardline: the mail nickname (the UPN before its @), lower case. */
export const userNameOf = (person: DirectoryPerson) => person.userPrincipalName.split('@')[0]?.toLowerCase() ?? '';

export function scimClient(baseUrl: string, caPem: string, token: string): ScimClient {
  const agent = new https.Agent({ ca: caPem, keepAlive: true });
  const request: ScimClient['request'] = (method, path, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const outgoing = https.request(
        new URL(path, baseUrl),
        {
          method,
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/scim+json',
            ...(payload === undefined ? {} : { 'content-type': 'application/scim+json' }),
            ...headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            if (text !== '')
              expect(response.headers['content-type'], `${method} ${path}`).toMatch(/^application\/scim\+json/);
            resolve({
              status,
              headers: response.headers,
              body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>),
            });
          });
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });

  const patch = (id: string, Operations: unknown[]) =>
    request('PATCH', `/scim/v2/Users/${encodeURIComponent(id)}`, { schemas: [PATCH_OP], Operations });

  return {
    request,
    async findByUserName(userName) {
      const filter = encodeURIComponent(`userName eq "${userName}"`);
      const found = await request('GET', `/scim/v2/Users?filter=${filter}`);
      expect(found.status).toBe(200);
      const resources = (found.body?.Resources ?? []) as Record<string, unknown>[];
      expect(found.body).toMatchObject({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: resources.length,
      });
      return resources[0] ?? null;
    },
    create(person) {
      return request('POST', '/scim/v2/Users', {
        schemas: [USER_SCHEMA, ENTERPRISE],
        externalId: person.objectId,
        userName: userNameOf(person),
        active: true,
        displayName: `${person.givenName} ${person.surname}`,
        title: person.jobTitle,
        emails: [{ primary: true, type: 'work', value: person.mail }],
        meta: { resourceType: 'User' },
        name: {
          formatted: `${person.givenName} ${person.surname}`,
          familyName: person.surname,
          givenName: person.givenName,
        },
        roles: [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: person.appRole }],
        [ENTERPRISE]: { department: person.department },
      });
    },
    update(id, changes) {
      const operations: unknown[] = [];
      if (changes.jobTitle !== undefined) operations.push({ op: 'Replace', path: 'title', value: changes.jobTitle });
      if (changes.department !== undefined)
        operations.push({ op: 'Replace', path: `${ENTERPRISE}:department`, value: changes.department });
      if (changes.displayName !== undefined)
        operations.push({ op: 'Replace', path: 'displayName', value: changes.displayName });
      return patch(id, operations);
    },
    deactivate: (id) => patch(id, [{ op: 'Replace', path: 'active', value: 'False' }]),
    reactivate: (id) => patch(id, [{ op: 'Replace', path: 'active', value: 'True' }]),
    close: () => agent.destroy(),
  };
}
