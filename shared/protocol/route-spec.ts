/**
 * What the protocol's route tables say about one route. The server enforces `auth`,
 * `permission` and `fresh` for every route in one place (server/http/route-access.ts) before
 * its handler runs; the client reads the same table to call it.
 */
import type { z } from 'zod';
import type { Permission } from '../access/permission-matrix';

/** How recent the password and second factor must be for a `fresh` route (OWASP ASVS V3.7.1). */
export const REAUTHENTICATION_WINDOW_MS = 5 * 60 * 1000;

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  readonly path: `/v1/${string}`;
  readonly auth: 'none' | 'session';
  /** Only sessions whose role has this permission may call it (shared/access/permission-matrix.ts). */
  readonly permission?: Permission;
  /** Destructive: the session must have proved the person again within the re-authentication window. */
  readonly fresh?: true;
  readonly request: z.ZodType;
  readonly response: z.ZodType;
}
