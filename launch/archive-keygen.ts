/**
 * `npm run archive:keygen -- --out <file> [--shares N --threshold K]`: the compliance team makes
 * the hospital's archive key pair, offline. The private key goes to `<file>` (0600, never over
 * anything already there), or, with `--shares`, into N share files beside it
 * (`<file without .json>.share-<i>-of-<N>.json`) of which any K rebuild it, so no one person
 * holds it. What is printed is public: the public key, its fingerprint, its recipient id, and
 * the two policy values and the server option that put it to use.
 *
 * The argument parsing, the files and the report are pure; `runArchiveKeygen` takes the clock,
 * the randomness and the writer, so the test drives the real thing.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { groupedFingerprint } from '../shared/protocol/archive-key';
import { toBase64 } from '../shared/node/crypto/base64';
import { archiveKeyFileText } from '../shared/node/archive/archive-key-file';
import { archiveKeyPairOf, wipeArchiveKeyPair, type ArchiveKeyPair } from '../shared/node/archive/archive-key-pair';
import { archiveShareFileTexts, isShareSplit, type ShareSplit } from '../shared/node/archive/archive-key-shares';
import type { KeyFileWriteError, NewFile } from '../shared/node/archive/archive-key-files';
import { err, ok, type Result } from '../shared/result';

export const KEYGEN_USAGE =
  'usage: npm run archive:keygen -- --out <private key file> [--shares <N> --threshold <K>]\n' +
  '  --out        where the private key goes (with --shares: the share files are named after it)\n' +
  '  --shares N   split the private key into N share files instead (2 to 255)\n' +
  '  --threshold K  how many shares rebuild it (2 to N)\n';

export interface KeygenOptions {
  readonly out: string;
  readonly split: ShareSplit | null;
}

const wholeNumber = (text: string | undefined): number | null =>
  text !== undefined && /^\d{1,3}$/.test(text) ? Number(text) : null;

export function parseKeygenArguments(argv: readonly string[]): Result<KeygenOptions, string> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { out: { type: 'string' }, shares: { type: 'string' }, threshold: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return err(error instanceof Error ? error.message : 'bad arguments');
  }
  if (values.out === undefined || values.out.trim() === '') return err('--out needs the private key file to write');
  const out = path.resolve(values.out);
  if (values.shares === undefined && values.threshold === undefined) return ok({ out, split: null });
  const shares = wholeNumber(values.shares);
  const threshold = wholeNumber(values.threshold);
  if (shares === null || threshold === null) return err('--shares and --threshold go together, as whole numbers');
  const split = { shares, threshold };
  if (!isShareSplit(split)) return err('--threshold must be at least 2 and at most --shares, which is at most 255');
  return ok({ out, split });
}

/** Where share `index` (from 1) of N goes: beside `out`, named after it. */
export function sharePath(out: string, index: number, shares: number): string {
  const base = out.endsWith('.json') ? out.slice(0, -'.json'.length) : out;
  return `${base}.share-${String(index)}-of-${String(shares)}.json`;
}

export async function keygenFiles(pair: ArchiveKeyPair, options: KeygenOptions, createdAt: number): Promise<NewFile[]> {
  if (options.split === null) return [{ path: options.out, text: archiveKeyFileText(pair, createdAt) }];
  const texts = await archiveShareFileTexts(pair, options.split, createdAt);
  return texts.map((text, index) => ({ path: sharePath(options.out, index + 1, texts.length), text }));
}

/** What the compliance team reads and hands to IT: nothing secret. */
export function keygenReport(pair: ArchiveKeyPair, options: KeygenOptions, files: readonly NewFile[]): string {
  const publicKey = toBase64(pair.encryption.publicKey);
  const grouped = groupedFingerprint(pair.fingerprint);
  const kept =
    options.split === null
      ? [
          `Private key written to ${options.out} (readable by you only).`,
          'Keep it offline, never on the Wardline server.',
        ]
      : [
          `Private key split into ${String(options.split.shares)} shares; any ${String(options.split.threshold)} rebuild it:`,
          ...files.map((file) => `  ${file.path}`),
          'Give each share to a different person, to keep apart and offline. The whole key was written nowhere.',
        ];
  const policy = JSON.stringify({ archivePublicKey: publicKey, archiveKeyFingerprint: grouped }, null, 2);
  return [
    'Archive key generated.',
    ...kept,
    '',
    `Public key:   ${publicKey}`,
    `Fingerprint:  ${grouped}`,
    '              (SHA-256 of the public key; read it aloud to compare)',
    `Recipient:    ${pair.recipient}`,
    '',
    'Machine policy for every workstation (Group Policy: Retention and eDiscovery):',
    policy,
    '',
    'Server option, so that it refuses messages not sealed to this key:',
    `  --archive-key-fingerprint ${pair.fingerprint}`,
    '',
  ].join('\n');
}

export interface KeygenDeps {
  readonly now: () => number;
  /** 32 random bytes: the private key. */
  readonly randomKey: () => Uint8Array;
  readonly writeFiles: (files: readonly NewFile[]) => Promise<Result<void, { code: KeyFileWriteError; path: string }>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The exit code: 0 written, 1 refused (a file already there, a write that failed), 2 usage. */
export async function runArchiveKeygen(argv: readonly string[], deps: KeygenDeps): Promise<number> {
  const options = parseKeygenArguments(argv);
  if (!options.ok) {
    deps.err(`archive:keygen: ${options.error}\n${KEYGEN_USAGE}`);
    return 2;
  }
  const pair = await archiveKeyPairOf(deps.randomKey());
  try {
    const files = await keygenFiles(pair, options.value, deps.now());
    const written = await deps.writeFiles(files);
    if (!written.ok) {
      deps.err(
        written.error.code === 'FILE_EXISTS'
          ? `archive:keygen: ${written.error.path} already exists; nothing was written (a key file is never overwritten).\n`
          : `archive:keygen: ${written.error.path} could not be written; nothing was kept.\n`,
      );
      return 1;
    }
    deps.out(keygenReport(pair, options.value, files));
    return 0;
  } finally {
    await wipeArchiveKeyPair(pair);
  }
}
