/**
 * `npm run archive:keygen` as the compliance team runs it, files and all (a temporary folder):
 * the private key file is theirs alone (0600) and never replaces another; shares rebuild the key
 * from any K and refuse K−1; and whatever does not provably give the key it names (an edited
 * fingerprint, a damaged share, a share of another key) is refused by code.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runArchiveKeygen, sharePath } from '../../../launch/archive-keygen';
import { archiveKeyPairOf } from '../../../shared/node/archive/archive-key-pair';
import { readArchiveKeyFiles, writeNewPrivateFiles } from '../../../shared/node/archive/archive-key-files';
import { loadArchiveKey } from '../../../shared/node/archive/archive-key-load';
import { toBase64 } from '../../../shared/node/crypto/base64';

/** RFC 7748 section 6.1: Alice's X25519 private key and the public key it gives. */
const RFC7748_PRIVATE = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
const RFC7748_PUBLIC = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';
/** `echo <public key hex> | xxd -r -p | sha256sum`. */
const RFC7748_FINGERPRINT = '300c9c9603b92a4b39ed3958bf9240114804db4fd373012c0ca47432d63425ae';

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const folder = () => mkdtempSync(path.join(os.tmpdir(), 'wardline-archive-keygen-'));

/** Runs the command with a known private key; what it printed and its exit code. */
async function keygen(argv: string[], privateKey = hex(RFC7748_PRIVATE)) {
  let out = '';
  let err = '';
  const code = await runArchiveKeygen(argv, {
    now: () => Date.UTC(2026, 11, 7, 9, 0, 0),
    randomKey: () => privateKey.slice(),
    writeFiles: writeNewPrivateFiles,
    out: (text) => (out += text),
    err: (text) => (err += text),
  });
  return { code, out, err };
}

const modeOf = (file: string) => statSync(file).mode & 0o777;
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const text = (value: unknown) => `${JSON.stringify(value)}\n`;

describe('the fingerprint', () => {
  it('is SHA-256 of the X25519 public key the private key gives (RFC 7748 vector)', async () => {
    const pair = await archiveKeyPairOf(hex(RFC7748_PRIVATE));
    expect(Buffer.from(pair.encryption.publicKey).toString('hex')).toBe(RFC7748_PUBLIC);
    expect(pair.fingerprint).toBe(RFC7748_FINGERPRINT);
    expect(pair.recipient).toBe(`archive:${RFC7748_FINGERPRINT.slice(0, 16)}`);
  });
});

describe('archive:keygen writing the private key file', () => {
  it('writes it readable by its owner only, and prints only what is public', async () => {
    const out = path.join(folder(), 'archive-key.json');
    const run = await keygen(['--out', out]);
    expect(run.code).toBe(0);
    expect(modeOf(out)).toBe(0o600);
    const file = json(out);
    expect(file).toMatchObject({
      format: 'wardline-archive-private-key',
      version: 1,
      recipient: `archive:${RFC7748_FINGERPRINT.slice(0, 16)}`,
      fingerprint: '300c 9c96 03b9 2a4b 39ed 3958 bf92 4011 4804 db4f d373 012c 0ca4 7432 d634 25ae',
      publicKey: toBase64(hex(RFC7748_PUBLIC)),
      privateKey: toBase64(hex(RFC7748_PRIVATE)),
      createdAt: '2026-12-07T09:00:00.000Z',
    });
    expect(run.out).toContain(toBase64(hex(RFC7748_PUBLIC)));
    expect(run.out).toContain('300c 9c96 03b9 2a4b 39ed 3958 bf92 4011 4804 db4f d373 012c 0ca4 7432 d634 25ae');
    expect(run.out).toContain(`--archive-key-fingerprint ${RFC7748_FINGERPRINT}`);
    expect(run.out).not.toContain(toBase64(hex(RFC7748_PRIVATE)));

    const read = await readArchiveKeyFiles([out]);
    expect(read.ok && read.value.fingerprint).toBe(RFC7748_FINGERPRINT);
    expect(read.ok && Buffer.from(read.value.encryption.privateKey).toString('hex')).toBe(RFC7748_PRIVATE);
  });

  it('never overwrites a file that is there, and writes nothing then', async () => {
    const out = path.join(folder(), 'archive-key.json');
    writeFileSync(out, 'the key the hospital already uses');
    const run = await keygen(['--out', out], new Uint8Array(32).fill(7));
    expect(run.code).toBe(1);
    expect(run.err).toContain('already exists');
    expect(run.out).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('the key the hospital already uses');
  });

  it('refuses usage it cannot follow, with the usage', async () => {
    for (const argv of [
      [],
      ['--out', 'k.json', '--shares', '3'],
      ['--out', 'k.json', '--shares', '3', '--threshold', '4'],
      ['--out', 'k.json', '--shares', '300', '--threshold', '2'],
      ['--out', 'k.json', '--shares', '3', '--threshold', '1'],
      ['--out', 'k.json', 'extra'],
    ]) {
      const run = await keygen(argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.err).toContain('usage: npm run archive:keygen');
    }
  });
});

describe('archive:keygen splitting the private key into shares', () => {
  async function splitKey(shares: number, threshold: number, privateKey = hex(RFC7748_PRIVATE)) {
    const out = path.join(folder(), 'archive-key.json');
    const run = await keygen(['--out', out, '--shares', String(shares), '--threshold', String(threshold)], privateKey);
    expect(run.code).toBe(0);
    const files = Array.from({ length: shares }, (_, index) => sharePath(out, index + 1, shares));
    return { out, run, files };
  }

  it('writes N share files, each 0600, and the whole key nowhere', async () => {
    const { out, run, files } = await splitKey(5, 3);
    expect(existsSync(out)).toBe(false);
    for (const file of files) {
      expect(modeOf(file)).toBe(0o600);
      expect(readFileSync(file, 'utf8')).not.toContain(toBase64(hex(RFC7748_PRIVATE)));
    }
    expect(files.map((file) => path.basename(file))).toEqual([
      'archive-key.share-1-of-5.json',
      'archive-key.share-2-of-5.json',
      'archive-key.share-3-of-5.json',
      'archive-key.share-4-of-5.json',
      'archive-key.share-5-of-5.json',
    ]);
    expect(run.out).toContain('any 3 rebuild it');
  });

  it('rebuilds the key from any K of them, and from all N', async () => {
    const { files } = await splitKey(5, 3);
    const triples: string[][] = [];
    for (let a = 0; a < 5; a += 1)
      for (let b = a + 1; b < 5; b += 1)
        for (let c = b + 1; c < 5; c += 1) triples.push([files[c]!, files[a]!, files[b]!]);
    expect(triples).toHaveLength(10);
    for (const chosen of [...triples, files]) {
      const rebuilt = await readArchiveKeyFiles(chosen);
      expect(rebuilt.ok && Buffer.from(rebuilt.value.encryption.privateKey).toString('hex')).toBe(RFC7748_PRIVATE);
      expect(rebuilt.ok && rebuilt.value.fingerprint).toBe(RFC7748_FINGERPRINT);
    }
  });

  it('refuses K−1 shares, and K−1 shares whose threshold was edited down do not pass as the key', async () => {
    const { files } = await splitKey(5, 3);
    expect(await readArchiveKeyFiles(files.slice(0, 2))).toEqual({
      ok: false,
      error: { code: 'TOO_FEW_SHARES', file: null },
    });
    const lowered = files.slice(0, 2).map((file) => text({ ...json(file), threshold: 2 }));
    expect(await loadArchiveKey(lowered)).toEqual({
      ok: false,
      error: { code: 'SHARES_DO_NOT_REBUILD_KEY', file: null },
    });
  });

  it('refuses a repeated share, a damaged one, one of another key, and a file that is no share', async () => {
    const { files } = await splitKey(3, 2);
    const [one, two] = files.map((file) => readFileSync(file, 'utf8')) as [string, string, string];
    expect(await loadArchiveKey([one, one])).toEqual({ ok: false, error: { code: 'SHARE_REPEATED', file: 1 } });
    // The same x coordinate under another share number is still the same share.
    expect(await loadArchiveKey([one, text({ ...(JSON.parse(one) as object), share: 3 })])).toEqual({
      ok: false,
      error: { code: 'SHARE_REPEATED', file: 1 },
    });

    const secret = Buffer.from((JSON.parse(two) as { secret: string }).secret, 'base64');
    // A middle byte: X25519 clamps the low bits of byte 0 (and the top of byte 31), so a change
    // there can rebuild the same key (it did, about one run in forty).
    secret[10] = (secret[10] ?? 0) ^ 1;
    const damaged = text({ ...(JSON.parse(two) as object), secret: secret.toString('base64') });
    expect(await loadArchiveKey([one, damaged])).toEqual({
      ok: false,
      error: { code: 'SHARES_DO_NOT_REBUILD_KEY', file: null },
    });

    const other = await splitKey(3, 2, new Uint8Array(32).fill(5));
    expect(await loadArchiveKey([one, readFileSync(other.files[1]!, 'utf8')])).toEqual({
      ok: false,
      error: { code: 'SHARES_OF_DIFFERENT_KEYS', file: 1 },
    });
    expect(await loadArchiveKey([one, '{"format":"something else"}'])).toEqual({
      ok: false,
      error: { code: 'INVALID', file: 1 },
    });
  });

  it('writes no share at all when one of the names is taken', async () => {
    const dir = folder();
    const out = path.join(dir, 'archive-key.json');
    writeFileSync(sharePath(out, 4, 5), 'a share of the key in use');
    const run = await keygen(['--out', out, '--shares', '5', '--threshold', '3']);
    expect(run.code).toBe(1);
    for (const index of [1, 2, 3, 5]) expect(existsSync(sharePath(out, index, 5))).toBe(false);
    expect(readFileSync(sharePath(out, 4, 5), 'utf8')).toBe('a share of the key in use');
  });
});

describe('a key file that does not give the key it names', () => {
  it('is refused when its fingerprint, recipient or private key was changed', async () => {
    const out = path.join(folder(), 'archive-key.json');
    await keygen(['--out', out]);
    const original = json(out);
    const another = await archiveKeyPairOf(new Uint8Array(32).fill(9));
    const edits = [
      // Another key's fingerprint and recipient, consistent with each other but not with the keys.
      { fingerprint: another.fingerprint, recipient: another.recipient },
      { recipient: another.recipient },
      { privateKey: toBase64(another.encryption.privateKey) },
      { publicKey: toBase64(another.encryption.publicKey) },
    ];
    for (const edit of edits) {
      expect(await loadArchiveKey([text({ ...original, ...edit })]), Object.keys(edit).join()).toEqual({
        ok: false,
        error: { code: 'KEY_FILE_INCONSISTENT', file: 0 },
      });
    }
    expect(await loadArchiveKey([text({ ...original, version: 2 })])).toEqual({
      ok: false,
      error: { code: 'INVALID', file: 0 },
    });
    expect(await loadArchiveKey([text(original), text(original)])).toEqual({
      ok: false,
      error: { code: 'WRONG_FILE_COUNT', file: null },
    });
  });
});
