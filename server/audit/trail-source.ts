/**
 * Where an export reads the trail from: the running server (through its local admin endpoint,
 * because the embedded database can be open in one process only), or the database itself when
 * the server is stopped or runs on PostgreSQL.
 */
import { z } from 'zod';
import { hashHex, signedTreeHead, storedEntry } from '../../shared/audit/audit-entry';
import { publicKey } from '../../shared/protocol/binary';
import { uuid } from '../../shared/protocol/identifiers';
import { TRAIL_PATH } from '../admin/local-admin';
import { callLocalAdmin } from '../admin/local-admin-client';
import { openDatabase } from '../db/open-database';
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

export async function readTrail(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
}): Promise<{ trail: TrailExport; source: TrailSource }> {
  const answer = options.databaseUrl === undefined ? await callLocalAdmin(options.dataDir, 'GET', TRAIL_PATH) : null;
  if (answer !== null) {
    if (answer.status !== 200) throw new Error(`server answered ${String(answer.status)}`);
    const { unreadable, purged, ...trail } = trailSchema.parse(JSON.parse(answer.text));
    return {
      trail: {
        ...trail,
        ...(unreadable === undefined ? {} : { unreadable }),
        ...(purged === undefined ? {} : { purged }),
      },
      source: 'running-server',
    };
  }
  const db = await openDatabase({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  try {
    return { trail: await exportTrail(db), source: 'database' };
  } finally {
    await db.close();
  }
}
