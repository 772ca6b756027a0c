/**
 * `npm run audit:verify -- <export> [--since-head <file>] [--write-head <file>]`: checks an export
 * offline (chains, device signatures, every tree head, and consistency with a head trusted from
 * before: a workstation's machine/audit-head.json, or one this tool wrote last time) and names
 * each break. Exits 0 when the trail holds, 1 on any break, 2 when the files cannot be read.
 */
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { signedTreeHead } from '../../shared/audit/audit-entry';
import { publicKey } from '../../shared/protocol/binary';
import { loadSodium } from '../crypto/sodium';
import { readExport } from './export-formats';
import { verifyTrail, type TrailBreak, type TrustedHead } from './trail-verifier';
import { nodeVerifyCrypto } from './verify-crypto';

export const VERIFY_USAGE = 'usage: npm run audit:verify -- <export file> [--since-head <head file>] [--write-head <head file>]';

/** A trusted head: this tool's own --write-head output, or a workstation's audit-head.json. */
const headFile = z.looseObject({ auditKey: publicKey, head: signedTreeHead });

export type VerifyArguments = { ok: true; file: string; sinceHead?: string; writeHead?: string } | { ok: false; error: string };

export function parseVerifyArguments(argv: readonly string[]): VerifyArguments {
  let file: string | undefined;
  let sinceHead: string | undefined;
  let writeHead: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--since-head' || arg === '--write-head') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) return { ok: false, error: `${arg} needs a file` };
      if (arg === '--since-head') sinceHead = path.resolve(value);
      else writeHead = path.resolve(value);
      i += 1;
    } else if (arg.startsWith('--') || file !== undefined) {
      return { ok: false, error: 'unexpected argument' };
    } else {
      file = path.resolve(arg);
    }
  }
  if (file === undefined) return { ok: false, error: 'the export file is required' };
  return { ok: true, file, ...(sinceHead === undefined ? {} : { sinceHead }), ...(writeHead === undefined ? {} : { writeHead }) };
}

export function describeBreak(b: TrailBreak): string {
  switch (b.kind) {
    case 'record':
      return `record workstation=${b.workstationId} seq=${String(b.seq)}${b.treeIndex === null ? '' : ` tree-index=${String(b.treeIndex)}`}: ${b.problem}`;
    case 'batch':
      return `batch workstation=${b.workstationId} seq=${String(b.firstSeq)}-${String(b.lastSeq)}: ${b.problem}`;
    case 'head':
      return `tree head size=${String(b.treeSize)}: ${b.problem}`;
    case 'tree':
      return `tree index ${String(b.treeIndex)}: ${b.problem}`;
  }
}

async function main(): Promise<number> {
  const parsed = parseVerifyArguments(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n${VERIFY_USAGE}\n`);
    return 2;
  }
  let text: string;
  let trusted: TrustedHead | undefined;
  try {
    text = readFileSync(parsed.file, 'utf8');
    if (parsed.sinceHead !== undefined) {
      const read = headFile.safeParse(JSON.parse(readFileSync(parsed.sinceHead, 'utf8')));
      if (!read.success) {
        process.stderr.write('the --since-head file is not a tree head this tool can read\n');
        return 2;
      }
      trusted = { auditKey: read.data.auditKey, head: read.data.head };
    }
  } catch {
    process.stderr.write('cannot read the files given\n');
    return 2;
  }
  const read = readExport(text);
  if (!read.ok) {
    process.stdout.write(`BROKEN: ${read.where ?? 'the export'} cannot be read back: ${read.problem}\n`);
    return 1;
  }
  const sodium = await loadSodium();
  const report = await verifyTrail(read.trail, nodeVerifyCrypto(sodium), trusted === undefined ? {} : { sinceHead: trusted });
  const summary = `${String(report.records)} records from ${String(report.workstations)} workstations, ${String(report.batches)} signed batches, ${String(report.heads)} tree heads (${read.format})`;
  if (!report.ok) {
    process.stdout.write(`BROKEN: ${summary}\n`);
    for (const b of report.breaks) process.stdout.write(`  ${describeBreak(b)}\n`);
    return 1;
  }
  const key = read.trail.auditKey ?? trusted?.auditKey ?? null;
  process.stdout.write(`OK: ${summary}${trusted === undefined ? '' : `, consistent with the trusted head of ${String(trusted.head.treeSize)}`}\n`);
  if (parsed.writeHead !== undefined && report.latestHead !== null && key !== null) {
    const temp = `${parsed.writeHead}.tmp`;
    await writeFile(temp, `${JSON.stringify({ auditKey: key, head: report.latestHead }, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, parsed.writeHead);
  }
  return 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) process.exitCode = await main();
