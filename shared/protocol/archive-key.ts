/**
 * The hospital's organisational archive key, as every process names it. The compliance team
 * generates an X25519 key pair offline (`npm run archive:keygen`) and keeps the private half off
 * the server; machine policy gives workstations the public half, and every envelope they seal
 * carries one more key recipient, `archive:<id>`, so that the holder of the private key can open
 * it under eDiscovery (the envelope format allows extra key recipients: envelope.ts).
 *
 * The fingerprint is SHA-256 of the 32-byte public key, as 64 lower-case hex digits: anyone can
 * check it with standard tools (`base64 -d | sha256sum`), and people compare it aloud in 16
 * groups of four. The recipient id is the first four groups, so a person can match an envelope's
 * `archive:…` entry to the fingerprint by eye; every check compares the whole fingerprint of the
 * key an entry was sealed to, never the id alone. Computing it needs Node (shared/node/archive/);
 * this module is only its form, and runs everywhere (the Settings view shows it).
 */
import { z } from 'zod';

/** 64 lower-case hex digits: SHA-256 of the public key. */
export const archiveFingerprint = z.string().regex(/^[0-9a-f]{64}$/);

const GROUP = 4;
/** The recipient id is this many hex digits of the fingerprint (four groups). */
const ID_DIGITS = 16;

/**
 * A fingerprint as people write it (grouped with spaces, upper or lower case) in its one form,
 * or null when it is not 64 hex digits.
 */
export function parseArchiveFingerprint(text: string): string | null {
  const compact = text.trim().replaceAll(/\s+/g, '').toLowerCase();
  return archiveFingerprint.safeParse(compact).success ? compact : null;
}

/** `3f2a 9c01 …`: sixteen groups of four hex digits, to read aloud and compare. */
export function groupedFingerprint(fingerprint: string): string {
  const groups: string[] = [];
  for (let at = 0; at < fingerprint.length; at += GROUP) groups.push(fingerprint.slice(at, at + GROUP));
  return groups.join(' ');
}

/** The key recipient an envelope names for the archive key with this fingerprint. */
export function archiveRecipientOf(fingerprint: string): `archive:${string}` {
  return `archive:${fingerprint.slice(0, ID_DIGITS)}`;
}

export function isArchiveRecipient(recipient: string): boolean {
  return recipient.startsWith('archive:');
}

/**
 * What a server that archives tells a workstation at sign-in: the archive key every envelope
 * must be sealed to. Only its fingerprint: the key itself comes from machine policy, never from
 * the server, which could otherwise name a key of its own and read every message.
 */
export const archiveRequirement = z
  .strictObject({ recipient: z.string().max(80), fingerprint: archiveFingerprint })
  .refine((value) => value.recipient === archiveRecipientOf(value.fingerprint), {
    message: 'recipient is not the one of the fingerprint',
  });
export type ArchiveRequirement = z.infer<typeof archiveRequirement>;

/** The requirement for the key with this fingerprint (one form: parseArchiveFingerprint). */
export function archiveRequirementOf(fingerprint: string): ArchiveRequirement {
  return { recipient: archiveRecipientOf(fingerprint), fingerprint };
}
