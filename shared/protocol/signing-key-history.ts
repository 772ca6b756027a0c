/**
 * A person's signing keys over time, as the server's key history has them (server migration 25):
 * each key with the server's time it was published (`from`) and the time the next one was
 * (`until`, null for the key still in force). A period is [from, until): at the instant a new
 * key is published it is the new key that counts, as it is the one the server then checks by.
 *
 * The eDiscovery package (ediscovery-package.ts) carries this for each person, so a message
 * signed under a key the person no longer has still verifies against the key the server checked
 * it by when it accepted it. Pure; the same functions serve the server, the exporting
 * workstation and archive:open, so all three choose the same key.
 */
import { z } from 'zod';
import { publicKey } from './binary';
import { epochMs } from './identifiers';

/**
 * Most keys one person's history may hold: far beyond any career of password resets, and small
 * enough that a matter page naming a few people stays within a client's answer limit. The server
 * refuses to publish a new key past it (server/directory/key-history-store.ts).
 */
export const MAX_SIGNING_KEYS = 1000;

export const signingKeyPeriod = z.strictObject({
  /** Ed25519 public key, base64. */
  key: publicKey,
  from: epochMs,
  until: epochMs.nullable(),
});
export type SigningKeyPeriod = z.infer<typeof signingKeyPeriod>;

/** Whether the periods are in order and none overlaps the next; only the last may be open. */
export function periodsOrdered(periods: readonly SigningKeyPeriod[]): boolean {
  return periods.every((period, index) => {
    const next = periods[index + 1];
    if (period.until !== null && period.until < period.from) return false;
    return next === undefined || (period.until !== null && period.until <= next.from);
  });
}

export const signingKeyHistory = z
  .array(signingKeyPeriod)
  .max(MAX_SIGNING_KEYS)
  .refine(periodsOrdered, { message: 'periods in order, none overlapping' });

/** A key as the server's history records it: in publication order. */
export interface PublishedSigningKey {
  readonly key: string;
  readonly publishedAt: number;
}

/**
 * The history as it stood at `asOf`: keys published after it are left out, and the last one left
 * is open. A key published again right after itself (only the encryption key changed) is one
 * period. So a page read later than the export's time gives the same history as the first page.
 */
export function historyAsOf(published: readonly PublishedSigningKey[], asOf: number): SigningKeyPeriod[] {
  const periods: SigningKeyPeriod[] = [];
  for (const { key, publishedAt } of published) {
    if (publishedAt > asOf) break;
    const last = periods.at(-1);
    if (last?.key === key) continue;
    if (last !== undefined) periods[periods.length - 1] = { ...last, until: publishedAt };
    periods.push({ key, from: publishedAt, until: null });
  }
  return periods;
}

/** The key in force at `at`, or null when none was (before the first, or in no period). */
export function signingKeyAt(periods: readonly SigningKeyPeriod[], at: number): SigningKeyPeriod | null {
  return periods.find((period) => period.from <= at && (period.until === null || at < period.until)) ?? null;
}

/** Every key in force at some instant from `start` to `end` (both included), in order. */
export function signingKeysDuring(
  periods: readonly SigningKeyPeriod[],
  start: number,
  end: number,
): SigningKeyPeriod[] {
  return periods.filter((period) => period.from <= end && (period.until === null || start < period.until));
}

/**
 * Periods as they stood at `asOf`: a later page of a matter may name a key published after the
 * export's time, which the package (and the server's rebuild of it) leaves out.
 */
export function periodsAsOf(periods: readonly SigningKeyPeriod[], asOf: number): SigningKeyPeriod[] {
  return historyAsOf(
    periods.map((period) => ({ key: period.key, publishedAt: period.from })),
    asOf,
  );
}
