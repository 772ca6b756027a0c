/**
 * The running server's door for local tools (`npm run audit:export` while it runs): the embedded
 * database can be open in one process only, so a tool asks the server instead. The server writes
 * its address and a random token to `<data>/admin-endpoint.json` (0600, readable only by whoever
 * may read the data folder anyway) and removes it when it stops. Not part of the /v1 API.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { bearerToken } from '../http/bearer-auth';
import type { TrailExport } from '../../shared/audit/trail-export';

export const LOCAL_ADMIN_FILE = 'admin-endpoint.json';
export const TRAIL_PATH = '/admin/v1/audit/trail';

const fileSchema = z.strictObject({
  url: z.url(),
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  pid: z.number().int().positive(),
});
export type LocalAdminEndpoint = z.infer<typeof fileSchema>;

export function registerLocalAdmin(app: FastifyInstance, token: string, trail: () => Promise<TrailExport>): void {
  const expected = Buffer.from(token, 'utf8');
  app.get(TRAIL_PATH, async (request, reply) => {
    const given = Buffer.from(bearerToken(request.headers.authorization) ?? '', 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return reply.code(401).send({ error: 'UNAUTHENTICATED' });
    void reply.header('cache-control', 'no-store');
    return reply.code(200).send(await trail());
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
