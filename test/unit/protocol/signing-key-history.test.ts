/**
 * Which signing key counts when (shared/protocol/signing-key-history.ts): a period is
 * [from, until), so at the instant a key is published it is the new key, and before the first
 * there is none; the history as it stood at a time leaves out what came later; the schema takes
 * only periods in order that do not overlap.
 */
import { describe, expect, it } from 'vitest';
import {
  historyAsOf,
  periodsAsOf,
  signingKeyAt,
  signingKeyHistory,
  signingKeysDuring,
  type SigningKeyPeriod,
} from '../../../shared/protocol/signing-key-history';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const T = Date.UTC(2026, 11, 1, 8, 0, 0);
const A = key(1);
const B = key(2);
const C = key(3);
/** A from T, B from T + 100, C from T + 200 (still in force). */
const history: SigningKeyPeriod[] = [
  { key: A, from: T, until: T + 100 },
  { key: B, from: T + 100, until: T + 200 },
  { key: C, from: T + 200, until: null },
];

describe('signingKeyAt', () => {
  it('gives the key whose period holds the time: from included, until not', () => {
    expect(signingKeyAt(history, T)?.key).toBe(A);
    expect(signingKeyAt(history, T + 99)?.key).toBe(A);
    expect(signingKeyAt(history, T + 100)?.key).toBe(B);
    expect(signingKeyAt(history, T + 200)?.key).toBe(C);
    expect(signingKeyAt(history, T + 10 ** 9)?.key).toBe(C);
  });

  it('gives none before the first key, or in a gap, or for no history', () => {
    expect(signingKeyAt(history, T - 1)).toBeNull();
    expect(
      signingKeyAt(
        [
          { key: A, from: T, until: T + 10 },
          { key: B, from: T + 20, until: null },
        ],
        T + 15,
      ),
    ).toBeNull();
    expect(signingKeyAt([], T)).toBeNull();
  });

  it('gives none for an ended history after its end', () => {
    expect(signingKeyAt([{ key: A, from: T, until: T + 10 }], T + 10)).toBeNull();
  });
});

describe('signingKeysDuring', () => {
  it('gives every key in force at some instant of the window, both ends included', () => {
    expect(signingKeysDuring(history, T + 50, T + 60).map((p) => p.key)).toEqual([A]);
    expect(signingKeysDuring(history, T + 50, T + 100).map((p) => p.key)).toEqual([A, B]);
    expect(signingKeysDuring(history, T + 100, T + 150).map((p) => p.key)).toEqual([B]);
    expect(signingKeysDuring(history, T + 99, T + 200).map((p) => p.key)).toEqual([A, B, C]);
    expect(signingKeysDuring(history, T - 50, T - 1)).toEqual([]);
    expect(signingKeysDuring(history, T - 50, T)).toEqual([history[0]]);
  });
});

describe('historyAsOf', () => {
  const published = [
    { key: A, publishedAt: T },
    { key: B, publishedAt: T + 100 },
    // Only the encryption key changed: the same signing key goes on.
    { key: B, publishedAt: T + 150 },
    { key: C, publishedAt: T + 200 },
  ];

  it('makes periods from publications, one per signing key in a row, the last open', () => {
    expect(historyAsOf(published, T + 10 ** 9)).toEqual(history);
  });

  it('leaves out what was published after the time, exactly at it included', () => {
    expect(historyAsOf(published, T + 199)).toEqual([
      { key: A, from: T, until: T + 100 },
      { key: B, from: T + 100, until: null },
    ]);
    expect(historyAsOf(published, T + 200)).toEqual(history);
    expect(historyAsOf(published, T - 1)).toEqual([]);
  });

  it('cuts served periods the same way the server cuts its rows', () => {
    for (const at of [T - 1, T, T + 100, T + 199, T + 200, T + 10 ** 9])
      expect(periodsAsOf(history, at)).toEqual(historyAsOf(published, at));
  });
});

describe('the history schema', () => {
  it('takes periods in order, none overlapping, only the last open', () => {
    expect(signingKeyHistory.safeParse(history).success).toBe(true);
    expect(signingKeyHistory.safeParse([]).success).toBe(true);
    const refused: SigningKeyPeriod[][] = [
      [history[1]!, history[0]!],
      [{ ...history[0]!, until: T + 101 }, history[1]!],
      [{ ...history[0]!, until: null }, history[1]!],
      [{ key: A, from: T + 10, until: T }],
    ];
    for (const periods of refused)
      expect(signingKeyHistory.safeParse(periods).success, JSON.stringify(periods)).toBe(false);
  });
});
