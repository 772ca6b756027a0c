/**
 * `archive:open` on packages whose sender changed keys (shared/node/ediscovery/package-verify.ts,
 * test/support/ediscovery-package.ts builds real ones): each envelope is checked against the key
 * in force when the server accepted it, so messages signed before a change verify by the old key
 * and those after by the new one, and the review manifest says which; a message signed by a key
 * that was not the one in force, or accepted when no key was, fails by name; a recall verifies
 * by a key in force around its signed time. Version 1 packages (one key per person) still open.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REVIEW_MANIFEST_FILE } from '../../../shared/node/ediscovery/package-open';
import { MAX_CLOCK_SKEW_MS } from '../../../shared/protocol/clock-skew';
import type { SigningKeyPeriod } from '../../../shared/protocol/signing-key-history';
import { makeUser, resign } from '../crypto/fixtures';
import { buildTestPackage, EXPORTED_AT, KEYS_FROM } from '../../support/ediscovery-package';
import { expectNothingWritten, open, reviewOf } from '../../support/archive-open-run';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** As the fixture: the nurse's messages accepted a second after t0, t0 + 1 h and t0 + 2 h; her recall signed at t0 + 90 min. */
const t0 = EXPORTED_AT - 48 * HOUR;
const RECALLED_AT = t0 + 90 * MINUTE;

/**
 * A package in which the nurse's signing keys are `periods(old, renewed)`; with `resignExpired`,
 * her third message (accepted at t0 + 2 h) is signed by her renewed key, as after a password reset.
 */
async function withNurseKeys(periods: (old: string, renewed: string) => SigningKeyPeriod[], resignExpired = true) {
  const renewed = await makeUser('nurse.adams');
  return buildTestPackage({
    adjust: async (input, { nurse }) => {
      const expired = input.messages[2]!;
      if (resignExpired) input.messages[2] = { ...expired, envelope: await resign(expired.envelope, renewed) };
      input.directory = input.directory.map((person) =>
        person.userId === nurse.userId
          ? { ...person, signingKeys: periods(nurse.publicKeys.signing, renewed.publicKeys.signing) }
          : person,
      );
    },
  });
}

describe('a package across a change of keys', { timeout: 30_000 }, () => {
  it('verifies each message by the key in force at its acceptance, and names that key', async () => {
    const change = RECALLED_AT + 2 * MINUTE;
    const built = await withNurseKeys((old, renewed) => [
      { key: old, from: KEYS_FROM, until: change },
      { key: renewed, from: change, until: null },
    ]);
    const run = await open(['--key', built.keyFile, '--audit-key', built.auditKey, built.folder]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const review = JSON.parse(readFileSync(path.join(reviewOf(built), REVIEW_MANIFEST_FILE), 'utf8')) as {
      messages: { messageId: string; signature: string; signingKey: string; content: string }[];
    };
    const [old, renewed] = built.manifest.directory.find((p) => p.userId === 'nurse.adams')!.signingKeys;
    expect(review.messages.map((m) => [m.messageId, m.signature, m.signingKey, m.content])).toEqual([
      [built.ids.standing, 'verified', old!.key, 'opened'],
      // Its recall, signed two minutes before the change, verifies by the old key.
      [built.ids.recalled, 'verified', old!.key, 'opened'],
      [built.ids.expired, 'verified', renewed!.key, 'opened'],
      [built.ids.reply, 'verified', built.users.physician.publicKeys.signing, 'opened'],
    ]);
  });

  it('refuses a message signed by a key of the sender that was not the one in force', async () => {
    // The change is placed before the third message, which is still signed by the old key.
    const built = await withNurseKeys(
      (old, renewed) => [
        { key: old, from: KEYS_FROM, until: t0 + 2 * HOUR },
        { key: renewed, from: t0 + 2 * HOUR, until: null },
      ],
      false,
    );
    const run = await open(['--key', built.keyFile, built.folder]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`SIGNATURE_INVALID (message ${built.ids.expired})`);
    expect(run.err).not.toContain(built.ids.standing);
    expectNothingWritten(built);
  });

  it('refuses a message accepted before the sender had any key, and a recall with no key around it', async () => {
    // Her first key from just after the first acceptance; a gap around the recall.
    const built = await withNurseKeys((old, renewed) => [
      { key: old, from: t0 + 2000, until: RECALLED_AT - MAX_CLOCK_SKEW_MS - 1 },
      { key: renewed, from: RECALLED_AT + MAX_CLOCK_SKEW_MS + 1, until: null },
    ]);
    const run = await open(['--key', built.keyFile, built.folder]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`SIGNING_KEY_NOT_VALID_AT (message ${built.ids.standing}, acceptedAt)`);
    expect(run.err).toContain(`SIGNING_KEY_NOT_VALID_AT (message ${built.ids.recalled}, recall)`);
    expect(run.err).not.toContain(`(message ${built.ids.expired}`);
    expectNothingWritten(built);
  });

  it('verifies a recall by a key in force within the clock skew of its signed time, never one further off', async () => {
    const near = await withNurseKeys((old, renewed) => [
      { key: old, from: KEYS_FROM, until: RECALLED_AT + 1 },
      { key: renewed, from: RECALLED_AT + 1, until: null },
    ]);
    // The recalled message was accepted under the old key, and the recall window reaches into it.
    expect((await open(['--key', near.keyFile, near.folder])).code).toBe(0);
    const far = await withNurseKeys((old, renewed) => [
      { key: old, from: KEYS_FROM, until: RECALLED_AT - MAX_CLOCK_SKEW_MS - 1 },
      { key: renewed, from: RECALLED_AT - MAX_CLOCK_SKEW_MS - 1, until: null },
    ]);
    const run = await open(['--key', far.keyFile, far.folder]);
    expect(run.err).toContain(`RECALL_SIGNATURE_INVALID (message ${far.ids.recalled})`);
  });
});

describe('a version 1 package', { timeout: 30_000 }, () => {
  it('opens as before: every signature against the one key it names', async () => {
    const built = await buildTestPackage({ version: 1 });
    const manifest = JSON.parse(readFileSync(path.join(built.folder, 'package.json'), 'utf8')) as {
      version: number;
      directory: { signingKey?: string }[];
    };
    expect(manifest.version).toBe(1);
    expect(manifest.directory.every((person) => typeof person.signingKey === 'string')).toBe(true);
    const run = await open(['--key', built.keyFile, '--audit-key', built.auditKey, built.folder]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
  });

  it('is still refused when changed after export', async () => {
    const built = await buildTestPackage({ version: 1 });
    const file = path.join(built.folder, 'package.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { directory: { displayName: string }[] };
    manifest.directory[0]!.displayName = 'Someone else';
    writeFileSync(file, JSON.stringify(manifest));
    const run = await open(['--key', built.keyFile, built.folder]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('DIGEST_MISMATCH');
  });
});
