/**
 * `npm run archive:open -- --key <key file | share files…> [--audit-key <base64 | file>] [--out <dir>] <package>`:
 * the compliance team opens an eDiscovery package offline. It loads the archive key (the key
 * file, or K share files), checks everything in the package (shared/node/ediscovery/
 * package-verify.ts: schema, every envelope and recall signature against the sender's key in
 * force at the time the server vouches for (version 2's key history; version 1's one key),
 * every blob file, the digest, the server's signed chain) and that the key is the one the
 * package was sealed to, and only then decrypts and writes the review export
 * (package-open.ts) into a temporary folder that is renamed into place at the very end: a run
 * that fails anywhere leaves no export. Every run appends a line to `archive-open.log` beside
 * the package (open-log.ts).
 *
 * Exits 0 when opened, 1 when a check failed (each failure named with its code and the message
 * at fault), 2 when an input cannot be read (usage, key files, the package, the output folder).
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { groupedFingerprint } from '../shared/protocol/archive-key';
import { publicKey } from '../shared/protocol/binary';
import { PACKAGE_FOLDER_SUFFIX } from '../shared/protocol/ediscovery-package';
import { readArchiveKeyFiles } from '../shared/node/archive/archive-key-files';
import { wipeArchiveKeyPair } from '../shared/node/archive/archive-key-pair';
import { appendOpenLog, type OpenLogLine } from '../shared/node/ediscovery/open-log';
import { readManifestJson } from '../shared/node/ediscovery/package-files';
import { writeReviewExport } from '../shared/node/ediscovery/package-open';
import { verifyPackage, type PackageFailure } from '../shared/node/ediscovery/package-verify';
import { parseHeadFile } from '../server/audit/head-file';
import { err, ok, type Result } from '../shared/result';

export const OPEN_USAGE =
  'usage: npm run archive:open -- --key <archive key file | share files…> [--audit-key <base64 key | file>] [--out <folder>] <package folder>\n' +
  '  --key        the archive private key file, or enough of its share files\n' +
  "  --audit-key  the server's audit public key, to check its signed chain against (else the package's own, with a warning)\n" +
  '  --out        the folder to write the review export to (default: beside the package, named after it, .review)\n';

export interface OpenOptions {
  readonly keys: readonly string[];
  readonly auditKey: string | null;
  readonly out: string;
  readonly folder: string;
}

const VALUED = ['--audit-key', '--out'];

export function parseOpenArguments(argv: readonly string[]): Result<OpenOptions, string> {
  const last = argv.at(-1);
  if (last === undefined || last.startsWith('--') || VALUED.includes(argv.at(-2) ?? ''))
    return err('the package folder is required, last');
  const keys: string[] = [];
  const values = new Map<string, string>();
  const rest = argv.slice(0, -1);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--key') {
      while (rest[i + 1] !== undefined && !(rest[i + 1] as string).startsWith('--')) keys.push(rest[++i] as string);
    } else if (VALUED.includes(arg)) {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('--') || values.has(arg)) return err(`${arg} needs one value`);
      values.set(arg, value);
      i += 1;
    } else {
      return err(`unexpected argument ${arg.startsWith('--') ? arg : '(more than one package)'}`);
    }
  }
  if (keys.length === 0) return err('--key needs the archive key file or its share files');
  const folder = path.resolve(last.replace(/[/\\]+$/, ''));
  const out = values.get('--out');
  const base = folder.endsWith(PACKAGE_FOLDER_SUFFIX) ? folder.slice(0, -PACKAGE_FOLDER_SUFFIX.length) : folder;
  return ok({
    keys: keys.map((key) => path.resolve(key)),
    auditKey: values.get('--audit-key') ?? null,
    out: out === undefined ? `${base}.review` : path.resolve(out),
    folder,
  });
}

export interface OpenDeps {
  readonly now: () => number;
  readonly osUser: () => string;
  readonly host: () => string;
  /** Reads a file's text (for --audit-key given as a file); null when it cannot. */
  readonly readText: (file: string) => Promise<string | null>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The --audit-key value: a base64 key, or a file holding one alone or as a head file's `auditKey`. */
async function auditKeyOf(value: string, deps: OpenDeps): Promise<string | null> {
  if (publicKey.safeParse(value).success) return value;
  const text = (await deps.readText(path.resolve(value)))?.trim() ?? null;
  if (text === null) return null;
  if (publicKey.safeParse(text).success) return text;
  return parseHeadFile(text)?.auditKey ?? null;
}

const WHAT: Record<string, string> = {
  MANIFEST_INVALID: 'the manifest is not an eDiscovery package of a version this tool reads',
  SENDER_NOT_IN_DIRECTORY: "the sender's signing key is not in the package",
  SIGNING_KEY_NOT_VALID_AT: 'the sender had no signing key in force at the time the server vouches for',
  SIGNATURE_INVALID: "the envelope is not signed by the sender's key in force when the server accepted it",
  RECALL_SIGNATURE_INVALID: 'the recall is not signed by the sender',
  STATE_INCONSISTENT: 'the state stated is not what its recall and expiry give',
  ATTACHMENTS_MISMATCH: 'the attachments listed are not those the signed message names',
  BLOB_MISSING: 'an attachment file is missing',
  BLOB_SIZE_MISMATCH: 'an attachment file is not the size listed',
  BLOB_HASH_MISMATCH: 'an attachment file is not the one listed (SHA-256 differs)',
  DIGEST_MISMATCH: 'the package was changed after the server exported it (digest differs)',
  CHAIN_RECORD_INVALID: "the export record is not the server's record of this export",
  CHAIN_DIGEST_MISMATCH: 'the server recorded the export of another package',
  CHAIN_PROOF_INVALID: "the export record is not in the server's signed audit tree",
  CHAIN_HEAD_INVALID: "the tree head is not signed by the server's audit key",
  AUDIT_KEY_MISMATCH: 'the package names another audit key than --audit-key',
  ARCHIVE_KEY_WRONG: 'the key given is not the archive key this package was sealed to',
  ATTACHMENT_DAMAGED: 'an attachment does not decrypt to the file its sender sealed',
};

export function describeFailure(
  failure: PackageFailure | { code: string; messageId: string | null; where: string | null },
): string {
  const at = [
    failure.messageId === null ? null : `message ${failure.messageId}`,
    failure.where === null ? null : failure.where,
  ].filter((part) => part !== null);
  return `${failure.code}${at.length === 0 ? '' : ` (${at.join(', ')})`}: ${WHAT[failure.code] ?? 'check failed'}`;
}

export const UNPINNED_WARNING =
  "WARNING: the server's audit key was taken from the package itself, which shows only that the package agrees with itself. " +
  'Pin it with --audit-key (from the server operator, or a head file audit:verify wrote).';

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

/** The exit code: 0 opened, 1 a check failed, 2 an input could not be read. */
export async function runArchiveOpen(argv: readonly string[], deps: OpenDeps): Promise<number> {
  const parsed = parseOpenArguments(argv);
  if (!parsed.ok) {
    deps.err(`archive:open: ${parsed.error}\n${OPEN_USAGE}`);
    return 2;
  }
  const options = parsed.value;
  const log = (line: Omit<OpenLogLine, 'at' | 'osUser' | 'host' | 'packageFolder'>) =>
    appendOpenLog(options.folder, {
      at: deps.now(),
      osUser: deps.osUser(),
      host: deps.host(),
      packageFolder: options.folder,
      ...line,
    });
  const refuse = async (code: number, message: string, codes: string[], digest: string | null = null) => {
    deps.err(message);
    await log({ digest, result: 'refused', codes, messages: null, out: null });
    return code;
  };

  const auditKey = options.auditKey === null ? null : await auditKeyOf(options.auditKey, deps);
  if (options.auditKey !== null && auditKey === null)
    return refuse(2, 'archive:open: the --audit-key value is neither an audit key nor a file holding one\n', [
      'AUDIT_KEY_UNREADABLE',
    ]);
  if (await exists(options.out))
    return refuse(2, `archive:open: ${options.out} already exists; choose another --out (nothing is written over)\n`, [
      'OUTPUT_EXISTS',
    ]);

  const json = await readManifestJson(options.folder);
  if (!json.ok)
    return refuse(2, `archive:open: ${json.error}: cannot read the package at ${options.folder}\n`, [json.error]);

  const key = await readArchiveKeyFiles(options.keys);
  if (!key.ok) {
    const file = key.error.file === null ? '' : ` (${options.keys[key.error.file] ?? ''})`;
    return refuse(2, `archive:open: ${key.error.code}${file}: the archive key could not be loaded\n`, [key.error.code]);
  }
  const pair = key.value;
  try {
    const verdict = await verifyPackage(options.folder, json.value, auditKey);
    const failures: { code: string; messageId: string | null; where: string | null }[] = [...verdict.failures];
    const manifest = verdict.manifest;
    if (manifest !== null && pair.fingerprint !== manifest.archive.fingerprint)
      failures.push({
        code: 'ARCHIVE_KEY_WRONG',
        messageId: null,
        where: `key ${groupedFingerprint(pair.fingerprint)}, package sealed to ${groupedFingerprint(manifest.archive.fingerprint)}`,
      });
    if (manifest === null || verdict.digest === null || failures.length > 0) {
      const lines = failures.map((failure) => `  ${describeFailure(failure)}`);
      return await refuse(
        1,
        `REFUSED: ${options.folder}\n${lines.join('\n')}\nNothing was written.\n`,
        failures.map((failure) => failure.code),
        verdict.digest,
      );
    }

    const temp = path.join(
      path.dirname(options.out),
      `.${path.basename(options.out)}.partial-${randomBytes(6).toString('hex')}`,
    );
    const unwritable = (what: string) =>
      refuse(2, `archive:open: cannot ${what} ${options.out} (OUTPUT_UNWRITABLE); nothing was kept\n`, [
        'OUTPUT_UNWRITABLE',
      ]);
    try {
      await mkdir(temp, { mode: 0o700 });
    } catch {
      return await unwritable('create');
    }
    let kept = false;
    try {
      const written = await writeReviewExport(
        options.folder,
        { manifest, digest: verdict.digest, notArchived: verdict.notArchived, signedBy: verdict.signedBy },
        pair,
        temp,
        {
          openedAt: deps.now(),
          openedBy: deps.osUser(),
          auditKey: verdict.auditKey,
        },
      ).catch(() => null);
      // The disk filled, or the folder went away: nothing of it is kept.
      if (written === null) return await unwritable('write');
      if (!written.ok)
        return await refuse(
          1,
          `REFUSED: ${options.folder}\n  ${describeFailure(written.error)}\nNothing was written.\n`,
          [written.error.code],
          verdict.digest,
        );
      const entries = written.value.entries;
      // Into place only if nothing is there by now (another run to the same folder): never over it.
      if (await exists(options.out))
        return await refuse(2, `archive:open: ${options.out} already exists\n`, ['OUTPUT_EXISTS']);
      try {
        await rename(temp, options.out);
      } catch {
        return await unwritable('move the export to');
      }
      kept = true;
      const logged = await log({
        digest: verdict.digest,
        result: 'opened',
        codes: [],
        messages: entries.length,
        out: options.out,
      });
      if (!logged) {
        await rm(options.out, { recursive: true, force: true });
        deps.err('archive:open: the log beside the package cannot be written, so nothing was kept (LOG_UNWRITABLE)\n');
        return 2;
      }
      deps.out(openReport(options.out, entries, verdict.auditKey, written.value.manifestSha256));
      return 0;
    } finally {
      if (!kept) await rm(temp, { recursive: true, force: true });
    }
  } finally {
    await wipeArchiveKeyPair(pair);
  }
}

function openReport(
  out: string,
  entries: readonly { state: string; content: string; messageId: string; attachments: readonly unknown[] }[],
  auditKey: 'pinned' | 'from-package',
  manifestSha256: string,
): string {
  const count = (state: string) => entries.filter((entry) => entry.state === state).length;
  const attachments = entries.reduce((sum, entry) => sum + entry.attachments.length, 0);
  const unread = entries.filter((entry) => entry.content !== 'opened');
  return [
    `OK: ${String(entries.length)} messages (${String(count('recalled'))} recalled, ${String(count('expired'))} expired), ` +
      `${String(attachments)} attachments, every signature verified, consistent with the server's signed audit chain.`,
    `Review export: ${out}`,
    `manifest.json SHA-256: ${manifestSha256}`,
    ...unread.map(
      (entry) =>
        `NOTE: message ${entry.messageId}: ${entry.content === 'not-archived' ? 'not sealed to the archive key' : 'its content does not open with the archive key'}; written marked so, signed by its sender.`,
    ),
    ...(auditKey === 'pinned' ? [] : [UNPINNED_WARNING]),
    '',
  ].join('\n');
}
