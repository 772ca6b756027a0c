/**
 * Where an export reads the trail from: the running server (through its local admin endpoint,
 * because the embedded database can be open in one process only), or the database itself when
 * the server is stopped or runs on PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { z } from 'zod';
import { hashHex, signedTreeHead, storedEntry } from '../../shared/audit/audit-entry';
import { publicKey } from '../../shared/protocol/binary';
import { uuid } from '../../shared/protocol/identifiers';
import { TLS_OPTIONS } from '../../shared/protocol/tls-policy';
import { readLocalAdmin, TRAIL_PATH } from '../admin/local-admin';
import { openDatabase } from '../db/open-database';
import { TLS_DIRECTORY } from '../tls/tls-files';
import { exportTrail } from './trail-export';
import type { TrailExport } from '../../shared/audit/trail-export';

const trailSchema = z.strictObject({
  entries: z.array(z.strictObject({ entry: storedEntry, inclusionProof: z.null() })),
  heads: z.array(signedTreeHead),
  batches: z.array(
    z.strictObject({
      workstationId: z.string(),
      firstSeq: z.number().int(),
      lastSeq: z.number().int(),
      previousHash: z.string(),
      lastHash: z.string(),
      signature: z.string(),
      devicePublicKey: z.string(),
    }),
  ),
  auditKey: publicKey.nullable(),
  unreadable: z
    .array(
      z.strictObject({
        treeIndex: z.number().int().nonnegative(),
        workstationId: uuid.nullable(),
        seq: z.number().int().nonnegative().nullable(),
        hash: hashHex.nullable(),
      }),
    )
    .optional(),
  purged: z
    .array(
      z.strictObject({
        treeIndex: z.number().int().nonnegative(),
        workstationId: uuid,
        seq: z.number().int().nonnegative(),
        hash: hashHex,
      }),
    )
    .optional(),
});

export type TrailSource = 'running-server' | 'database';

function fetchFromServer(url: string, token: string, caPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const target = new URL(TRAIL_PATH, url);
    const request = https.get(
      target,
      { ca: caPem, headers: { authorization: `Bearer ${token}` }, ...TLS_OPTIONS },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(Buffer.concat(chunks).toString('utf8'))
            : reject(new Error(`server answered ${String(response.statusCode)}`)),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

export async function readTrail(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
}): Promise<{ trail: TrailExport; source: TrailSource }> {
  const endpoint = options.databaseUrl === undefined ? readLocalAdmin(options.dataDir) : null;
  if (endpoint !== null) {
    try {
      const caPem = readFileSync(path.join(options.dataDir, TLS_DIRECTORY, 'ca-cert.pem'), 'utf8');
      const text = await fetchFromServer(endpoint.url, endpoint.token, caPem);
      const { unreadable, purged, ...trail } = trailSchema.parse(JSON.parse(text));
      return {
        trail: {
          ...trail,
          ...(unreadable === undefined ? {} : { unreadable }),
          ...(purged === undefined ? {} : { purged }),
        },
        source: 'running-server',
      };
    } catch (error) {
      // A server that stopped without removing its file (killed) leaves a stale address: read the database.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET') throw error;
    }
  }
  const db = await openDatabase({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  try {
    return { trail: await exportTrail(db), source: 'database' };
  } finally {
    await db.close();
  }
}
