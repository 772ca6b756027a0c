/**
 * A trusted tree head as a file, for the audit tools: `audit:verify --write-head` output, or a
 * workstation's machine/audit-head.json (whose format and version fields are let through). The
 * file pins the server's audit key as well as the head.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { signedTreeHead } from '../../shared/audit/audit-entry';
import { publicKey } from '../../shared/protocol/binary';
import type { TrustedHead } from '../../shared/audit/trail-export';
import { err, ok, type Result } from '../../shared/result';

const headFile = z.looseObject({ auditKey: publicKey, head: signedTreeHead });

export type HeadFileRead = Result<TrustedHead, 'unreadable' | 'not-a-head'>;

export function parseHeadFile(text: string): TrustedHead | null {
  try {
    const read = headFile.safeParse(JSON.parse(text));
    return read.success ? { auditKey: read.data.auditKey, head: read.data.head } : null;
  } catch {
    return null;
  }
}

export function readHeadFile(file: string): HeadFileRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return err('unreadable');
  }
  const trusted = parseHeadFile(text);
  return trusted === null ? err('not-a-head') : ok(trusted);
}
