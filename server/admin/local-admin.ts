/**
 * The running server's door for local tools (`npm run audit:export` while it runs): the embedded
 * database can be open in one process only, so a tool asks the server instead. The server writes
 * its address and a random token to `<data>/admin-endpoint.json` (0600, readable only by whoever
 * may read the data folder anyway) and removes it when it stops. Not part of the /v1 API. It
 * also creates the first IT admin (bootstrap-admin.ts), which nothing on the network may do.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { bearerToken } from '../http/bearer-auth';
import type { TrailExport } from '../../shared/audit/trail-export';
import type { EnrollmentGrant } from '../../shared/protocol/admin-api';
import type { Result } from '../../shared/result';
import { bootstrapRequest, type BootstrapRefusal, type BootstrapRequest } from './bootstrap-admin';

export const LOCAL_ADMIN_FILE = 'admin-endpoint.json';
export const TRAIL_PATH = '/admin/v1/audit/trail';
export const CREATE_ADMIN_PATH = '/admin/v1/accounts/create-admin';

const fileSchema = z.strictObject({
  url: z.url(),
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  pid: z.number().int().positive(),
});
export type LocalAdminEndpoint = z.infer<typeof fileSchema>;

export interface LocalAdminActions {
  trail(): Promise<TrailExport>;
  createAdmin(request: BootstrapRequest): Promise<Result<EnrollmentGrant, BootstrapRefusal>>;
}

export function registerLocalAdmin(app: FastifyInstance, token: string, actions: LocalAdminActions): void {
  const expected = Buffer.from(token, 'utf8');
  const authorized = (authorization: string | undefined) => {
    const given = Buffer.from(bearerToken(authorization) ?? '', 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  app.get(TRAIL_PATH, async (request, reply) => {
    if (!authorized(request.headers.authorization)) return reply.code(401).send({ error: 'UNAUTHENTICATED' });
    void reply.header('cache-control', 'no-store');
    return reply.code(200).send(await actions.trail());
  });
  app.post(CREATE_ADMIN_PATH, async (request, reply) => {
    if (!authorized(request.headers.authorization)) return reply.code(401).send({ error: 'UNAUTHENTICATED' });
    const parsed = bootstrapRequest.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: 'MALFORMED_REQUEST' });
    void reply.header('cache-control', 'no-store');
    const created = await actions.createAdmin(parsed.data);
    return created.ok
      ? reply.code(200).send({ enrollment: created.value })
      : reply.code(409).send({ error: created.error });
  });
}

export function newLocalAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

export function localAdminFile(dataDir: string): string {
  return path.join(dataDir, LOCAL_ADMIN_FILE);
}

export function readLocalAdmin(dataDir: string): LocalAdminEndpoint | null {
  try {
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(localAdminFile(dataDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function removeLocalAdmin(dataDir: string): void {
  rmSync(localAdminFile(dataDir), { force: true });
}
