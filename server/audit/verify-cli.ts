/**
 * `npm run audit:verify -- <export> [--audit-key <key or file>] [--since-head <file>] [--witness <syslog file>] [--write-head <file>]`:
 * checks an export offline (chains, device signatures, every tree head, every record in a
 * person's name against that person's sessions, and consistency with a head trusted from before:
 * a workstation's machine/audit-head.json, one this tool wrote last time, or the newest signed
 * head in the SIEM's copy of the trail) and names each break. Without a trusted head a cut tail
 * cannot be seen, and the output says so. The server's audit key is pinned by --audit-key (the base64 key, a
 * file holding it, or a head file) or by the --since-head file; without either it is read from
 * the export itself, which proves nothing against a server that re-signs, and the output says so.
 * Exits 0 when the trail holds, 1 on any break, 2 when the files cannot be read.
 */
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { publicKey } from '../../shared/protocol/binary';
import { loadSodium } from '../../shared/node/crypto/sodium';
import type { SignedTreeHead } from '../../shared/audit/audit-entry';
import { readExport } from './export-formats';
import { newestWitnessedHead } from '../../shared/node/audit/siem-witness';
import { parseHeadFile, readHeadFile } from './head-file';
import type { TrailBreak } from '../../shared/audit/trail-verification';
import { verifyTrail } from '../../shared/node/audit/trail-verifier';
import type { TrustedHead } from '../../shared/audit/trail-export';
import { nodeVerifyCrypto } from '../../shared/node/audit/verify-crypto';
import { err, ok, type Result } from '../../shared/result';

export const VERIFY_USAGE =
  'usage: npm run audit:verify -- <export file> [--audit-key <base64 key | key file | head file>] [--since-head <head file>] [--witness <SIEM syslog file>] [--write-head <head file>]';

export interface VerifyOptions {
  readonly file: string;
  readonly auditKey?: string;
  readonly sinceHead?: string;
  readonly witness?: string;
  readonly writeHead?: string;
}
/** The options, or the usage error to print. */
export type VerifyArguments = Result<VerifyOptions, string>;

const FLAGS = ['--audit-key', '--since-head', '--witness', '--write-head'] as const;
type Flag = (typeof FLAGS)[number];

export function parseVerifyArguments(argv: readonly string[]): VerifyArguments {
  let file: string | undefined;
  const values = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if ((FLAGS as readonly string[]).includes(arg)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--'))
        return err(`${arg} needs ${arg === '--audit-key' ? 'a key or a file' : 'a file'}`);
      values.set(arg as Flag, value);
      i += 1;
    } else if (arg.startsWith('--') || file !== undefined) {
      return err('unexpected argument');
    } else {
      file = path.resolve(arg);
    }
  }
  if (file === undefined) return err('the export file is required');
  const auditKey = values.get('--audit-key');
  const sinceHead = values.get('--since-head');
  const writeHead = values.get('--write-head');
  const witness = values.get('--witness');
  return ok({
    file,
    // A key is taken as given; anything else is a file, resolved when it is read.
    ...(auditKey === undefined ? {} : { auditKey }),
    ...(sinceHead === undefined ? {} : { sinceHead: path.resolve(sinceHead) }),
    ...(witness === undefined ? {} : { witness: path.resolve(witness) }),
    ...(writeHead === undefined ? {} : { writeHead: path.resolve(writeHead) }),
  });
}

/** The --audit-key value: a base64 key, or a file holding one alone or as a head file's `auditKey`; null if it is none of these. */
export function readAuditKey(value: string): string | null {
  if (publicKey.safeParse(value).success) return value;
  let text: string;
  try {
    text = readFileSync(path.resolve(value), 'utf8').trim();
  } catch {
    return null;
  }
  if (publicKey.safeParse(text).success) return text;
  return parseHeadFile(text)?.auditKey ?? null;
}

export function describeBreak(b: TrailBreak): string {
  switch (b.kind) {
    case 'record':
      return `record workstation=${b.workstationId} seq=${String(b.seq)}${b.treeIndex === null ? '' : ` tree-index=${String(b.treeIndex)}`}: ${b.problem}`;
    case 'unreadable':
      return `record${b.workstationId === null ? '' : ` workstation=${b.workstationId}`}${b.seq === null ? '' : ` seq=${String(b.seq)}`} tree-index=${String(b.treeIndex)}: ${b.problem}`;
    case 'batch':
      return `batch workstation=${b.workstationId} seq=${String(b.firstSeq)}-${String(b.lastSeq)}: ${b.problem}`;
    case 'head':
      return `tree head size=${String(b.treeSize)}: ${b.problem}`;
    case 'tree':
      return `tree index ${String(b.treeIndex)}: ${b.problem}`;
  }
}

/** Said whenever no trusted head was proven a prefix of the trail, in words an officer can act on. */
export const TRUNCATION_WARNING =
  'WARNING: no trusted head was given, so records cut from the end of the trail cannot be detected: truncation is not ruled out. ' +
  "Give --since-head with a workstation's machine/audit-head.json, or --witness with the SIEM's copy of the trail.";

/** Why a --witness file gave no head to trust. */
const WITNESS_PROBLEMS = {
  'no-signed-head': 'the --witness file holds no signed tree head',
  'key-unknown': 'no tree head in the --witness file verifies with the audit key',
  'keys-differ': 'the --witness file names more than one audit key: pin the right one with --audit-key',
} as const;

/** A selection carries no sessions: who was signed in where is checked on a full export. */
export const SELECTION_NOTE =
  "NOTE: this is a selection: records in a person's name are checked against that person's sessions only in a full export.";

export const UNPINNED_WARNING =
  'WARNING: the audit key was taken from the export itself and is not pinned: a server that re-signed its heads would pass. Pin it with --audit-key or --since-head.';

export interface VerifyRun {
  readonly code: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

/** The whole command, as text out and an exit code; main() only prints it. */
export async function runVerify(argv: readonly string[]): Promise<VerifyRun> {
  const parsed = parseVerifyArguments(argv);
  if (!parsed.ok) return { code: 2, stdout: '', stderr: `${parsed.error}\n${VERIFY_USAGE}\n` };
  const options = parsed.value;
  let text: string;
  let trusted: TrustedHead | undefined;
  let pinnedKey: string | undefined;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch {
    return { code: 2, stdout: '', stderr: 'cannot read the files given\n' };
  }
  if (options.sinceHead !== undefined) {
    const read = readHeadFile(options.sinceHead);
    if (!read.ok)
      return {
        code: 2,
        stdout: '',
        stderr:
          read.error === 'unreadable'
            ? 'cannot read the files given\n'
            : 'the --since-head file is not a tree head this tool can read\n',
      };
    trusted = read.value;
  }
  if (options.auditKey !== undefined) {
    const key = readAuditKey(options.auditKey);
    if (key === null)
      return { code: 2, stdout: '', stderr: 'the --audit-key value is neither an audit key nor a file holding one\n' };
    pinnedKey = key;
  }
  const exported = readExport(text);
  if (!exported.ok)
    return {
      code: 1,
      stdout: `BROKEN: ${exported.error.where ?? 'the export'} cannot be read back: ${exported.error.problem}\n`,
      stderr: '',
    };
  const read = exported.value;
  const sodium = await loadSodium();
  const crypto = nodeVerifyCrypto(sodium);
  let witnessHeads: readonly SignedTreeHead[] = [];
  if (options.witness !== undefined) {
    let siem: string;
    try {
      siem = readFileSync(options.witness, 'utf8');
    } catch {
      return { code: 2, stdout: '', stderr: 'cannot read the files given\n' };
    }
    const witnessed = newestWitnessedHead(siem, pinnedKey ?? trusted?.auditKey ?? null, crypto.verifySignature);
    if (!witnessed.ok) return { code: 2, stdout: '', stderr: `${WITNESS_PROBLEMS[witnessed.error]}\n` };
    // The key: pinned, else the since-head's, else the SIEM copy's. Every head it kept is checked.
    trusted ??= witnessed.value.trusted;
    witnessHeads = witnessed.value.heads;
  }
  const report = await verifyTrail(read.trail, crypto, {
    witnessHeads,
    ...(trusted === undefined ? {} : { sinceHead: trusted }),
    ...(pinnedKey === undefined ? {} : { auditKey: pinnedKey }),
  });
  const purged = report.purged === 0 ? '' : ` and ${String(report.purged)} purged under retention`;
  const summary = `${String(report.records)} records${purged} from ${String(report.workstations)} workstations, ${String(report.batches)} signed batches, ${String(report.heads)} tree heads (${read.format})`;
  if (!report.ok)
    return {
      code: 1,
      stdout: [`BROKEN: ${summary}`, ...report.breaks.map((b) => `  ${describeBreak(b)}`)].join('\n') + '\n',
      stderr: '',
    };
  // Consistency is claimed only where it was proven, never because a head was merely given.
  const consistent =
    report.consistentWith === null ? '' : `, consistent with the trusted head of ${String(report.consistentWith)}`;
  const lines = [
    `OK: ${summary}${consistent}`,
    ...(report.consistentWith === null ? [TRUNCATION_WARNING] : []),
    ...(report.auditKey === 'pinned' ? [] : [UNPINNED_WARNING]),
    ...(report.attestedRecords === null ? [SELECTION_NOTE] : []),
  ];
  const key = pinnedKey ?? trusted?.auditKey ?? read.trail.auditKey;
  if (options.writeHead !== undefined && report.latestHead !== null && key !== null) {
    const temp = `${options.writeHead}.tmp`;
    await writeFile(temp, `${JSON.stringify({ auditKey: key, head: report.latestHead }, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, options.writeHead);
  }
  return { code: 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)
) {
  const run = await runVerify(process.argv.slice(2));
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  process.exitCode = run.code;
}
