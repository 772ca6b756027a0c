/**
 * The last tree head this workstation verified, kept beside (not inside) the audit database:
 * `<dataDir>/machine/audit-head.json`. Someone who rolls the database back cannot roll this back
 * with it, and the next acknowledgement must be consistent with it.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { signedTreeHead } from '../../shared/audit/audit-entry';
import { publicKey } from '../../shared/protocol/binary';
import { err, ok, type Result } from '../../shared/result';
import { writeFileAtomic } from '../fs/atomic-file';
import type { WitnessedHead } from './ack-check';

const fileSchema = z.strictObject({
  format: z.literal('wardline-audit-head'),
  version: z.literal(1),
  auditKey: publicKey,
  head: signedTreeHead,
});

export function witnessedHeadFile(dataDir: string): string {
  return path.join(dataDir, 'machine', 'audit-head.json');
}

export type WitnessedHeadRead = Result<WitnessedHead | null, 'WITNESSED_HEAD_UNREADABLE'>;

/** null when there is none yet; an error when the file is there but unreadable or not ours. */
export function readWitnessedHead(dataDir: string): WitnessedHeadRead {
  let text: string;
  try {
    text = readFileSync(witnessedHeadFile(dataDir), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? ok(null) : err('WITNESSED_HEAD_UNREADABLE');
  }
  try {
    const parsed = fileSchema.safeParse(JSON.parse(text));
    return parsed.success
      ? ok({ auditKey: parsed.data.auditKey, head: parsed.data.head })
      : err('WITNESSED_HEAD_UNREADABLE');
  } catch {
    return err('WITNESSED_HEAD_UNREADABLE');
  }
}

export function writeWitnessedHead(dataDir: string, witnessed: WitnessedHead): void {
  const content = { format: 'wardline-audit-head', version: 1, auditKey: witnessed.auditKey, head: witnessed.head };
  writeFileAtomic(witnessedHeadFile(dataDir), Buffer.from(`${JSON.stringify(content, null, 2)}\n`, 'utf8'));
}

/** Temporary files a crash left mid-write (the head itself was never half-replaced): removed at start. */
export function removeStaleHeadTemps(dataDir: string): void {
  const dir = path.dirname(witnessedHeadFile(dataDir));
  const prefix = `${path.basename(witnessedHeadFile(dataDir))}.`;
  try {
    for (const name of readdirSync(dir))
      if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(path.join(dir, name), { force: true });
  } catch {
    // No machine folder yet: nothing to remove.
  }
}
