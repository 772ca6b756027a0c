/**
 * How a signed head is checked (shared/audit/signed-head.ts), the one rule the workstation's ack
 * check, the compliance view, the offline verifier and the SIEM witness all apply: signed by the
 * audit key (the pinned one when there is one) over the head's bytes, key and signature in their
 * one canonical spelling, and a prefix of whatever head the reader witnessed before.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { hex, treeHeadSigningBytes } from '../../../shared/audit/audit-chain';
import type { SignedTreeHead } from '../../../shared/audit/audit-entry';
import { createMerkleLog } from '../../../shared/audit/merkle-log';
import { auditKeyFor, checkSignedHead, type HeadCrypto } from '../../../shared/audit/signed-head';
import { ed25519Verifier } from '../../../shared/node/crypto/ed25519';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';

const sha256 = (...parts: readonly Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

let sodium: Sodium;
let crypto: HeadCrypto;
let audit: { publicKey: Uint8Array; privateKey: Uint8Array };
let other: { publicKey: Uint8Array; privateKey: Uint8Array };
let key: string;
const log = createMerkleLog(sha256);

beforeAll(async () => {
  sodium = await loadSodium();
  // The lenient decoder on purpose: the rule itself must refuse what it would accept.
  crypto = { verifySignature: ed25519Verifier(sodium), sha256 };
  audit = sodium.crypto_sign_keypair();
  other = sodium.crypto_sign_keypair();
  key = b64(audit.publicKey);
  log.append(Array.from({ length: 20 }, (_, i) => sha256(new Uint8Array([0, i]))));
});

function signed(treeSize: number, keys = audit, timestamp = 1_795_000_000_000 + treeSize): SignedTreeHead {
  const rootHash = log.root(treeSize);
  return {
    treeSize,
    timestamp,
    rootHash: hex(rootHash),
    signature: b64(
      sodium.crypto_sign_detached(treeHeadSigningBytes({ treeSize, timestamp, rootHash }), keys.privateKey),
    ),
  };
}
const proofHex = (from: number, to: number) => log.consistencyProof(from, to).map(hex);

/** The same bytes, spelled otherwise: the unused low bits of the last character set. */
function respelled(base64: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const at = base64.replace(/=+$/, '').length - 1;
  return base64.slice(0, at) + (alphabet[alphabet.indexOf(base64[at] as string) + 1] as string) + base64.slice(at + 1);
}

describe('how a signed head is checked', () => {
  it('is signed by the audit key over the head’s bytes: size, time and root each bound', () => {
    const head = signed(12);
    expect(checkSignedHead({ head, presentedKey: key, pinnedKey: key }, crypto)).toEqual({
      auditKey: key,
      key: null,
      signed: true,
      extension: null,
    });
    for (const edited of [
      { ...head, treeSize: 11 },
      { ...head, timestamp: head.timestamp + 1 },
      { ...head, rootHash: hex(log.root(11)) },
      { ...head, signature: signed(12, other).signature },
    ])
      expect(checkSignedHead({ head: edited, presentedKey: key, pinnedKey: key }, crypto).signed).toBe(false);
  });

  it('checks with the pinned key, and refuses a head that comes with another', () => {
    const forged = signed(12, other);
    const swapped = checkSignedHead({ head: forged, presentedKey: b64(other.publicKey), pinnedKey: key }, crypto);
    expect(swapped).toMatchObject({ auditKey: key, key: 'audit-key-changed', signed: false });
    // A head that names no key is checked with the pinned one.
    expect(checkSignedHead({ head: signed(12), presentedKey: null, pinnedKey: key }, crypto)).toMatchObject({
      key: null,
      signed: true,
    });
  });

  it('takes the key the head came with only when nothing is pinned, and with neither signs nothing', () => {
    const firstContact = checkSignedHead(
      { head: signed(12, other), presentedKey: b64(other.publicKey), pinnedKey: null },
      crypto,
    );
    expect(firstContact).toMatchObject({ auditKey: b64(other.publicKey), key: null, signed: true });
    expect(checkSignedHead({ head: signed(12), presentedKey: null, pinnedKey: null }, crypto)).toMatchObject({
      auditKey: null,
      key: 'no-audit-key',
      signed: false,
    });
    expect(auditKeyFor(key, key)).toEqual({ auditKey: key, problem: null });
  });

  it('accepts one spelling of key and signature, and a root of 32 bytes in lower-case hex', () => {
    const head = signed(12);
    // libsodium would verify these (Buffer's decoder ignores the extra bits): the rule does not.
    const bytes = treeHeadSigningBytes({ treeSize: 12, timestamp: head.timestamp, rootHash: log.root(12) });
    const loose = (text: string) => Buffer.from(text, 'base64');
    expect(sodium.crypto_sign_verify_detached(loose(respelled(head.signature)), bytes, loose(respelled(key)))).toBe(
      true,
    );
    expect(crypto.verifySignature(respelled(key), bytes, respelled(head.signature))).toBe(false);
    expect(crypto.verifySignature(key, bytes, head.signature)).toBe(true);
    const respelledSignature = { ...head, signature: respelled(head.signature) };
    expect(checkSignedHead({ head: respelledSignature, presentedKey: key, pinnedKey: key }, crypto).signed).toBe(false);
    expect(checkSignedHead({ head, presentedKey: null, pinnedKey: respelled(key) }, crypto).signed).toBe(false);
    for (const rootHash of [head.rootHash.toUpperCase(), head.rootHash.slice(2), `${head.rootHash}00`])
      expect(checkSignedHead({ head: { ...head, rootHash }, presentedKey: key, pinnedKey: key }, crypto).signed).toBe(
        false,
      );
  });

  it('requires the witnessed head to be a prefix: never smaller, the same root at the same size, else a proof', () => {
    const verdict = (head: SignedTreeHead, witnessed: SignedTreeHead, proof: readonly string[] | null) =>
      checkSignedHead({ head, presentedKey: key, pinnedKey: key, witnessed: { head: witnessed, proof } }, crypto)
        .extension;
    const old = signed(7);
    expect(verdict(signed(20), old, proofHex(7, 20))).toBeNull();
    expect(verdict(signed(7, audit, old.timestamp + 5), old, [])).toBeNull();
    expect(verdict(signed(20), signed(0), null)).toBeNull();
    expect(verdict(signed(5), old, [])).toBe('tree-shrank');
    expect(verdict({ ...signed(7), rootHash: hex(log.root(6)) }, old, [])).toBe('head-inconsistent');
    expect(verdict(signed(20), old, null)).toBe('no-consistency-proof');
    expect(verdict(signed(20), old, proofHex(6, 20))).toBe('head-inconsistent');
    expect(verdict(signed(20), old, proofHex(7, 20).slice(1))).toBe('head-inconsistent');
    expect(verdict(signed(20), old, [...proofHex(7, 20).slice(1), 'zz'])).toBe('head-inconsistent');
  });

  it('is the only place a reader builds a head’s signed bytes (the server signs them in audit-tree.ts)', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');
    const readers: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && readFileSync(path, 'utf8').includes('treeHeadSigningBytes('))
          readers.push(path);
      }
    };
    for (const dir of ['main', 'server', 'shared', 'launch', 'preload', 'renderer/src']) walk(join(root, dir));
    expect(readers.map((path) => path.slice(root.length + 1)).sort()).toEqual([
      'server/audit/audit-tree.ts',
      'shared/audit/audit-chain.ts',
      'shared/audit/signed-head.ts',
    ]);
  });
});
