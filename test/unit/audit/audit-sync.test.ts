/**
 * The audit sync's retry rules without a server: the backoff itself, and that a failure which
 * throws (rather than answering a code) is still counted, waited out and retried.
 */
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, createAuditSync } from '../../../main/audit/audit-sync';
import type { DeviceAuditLog } from '../../../main/audit/device-audit-log';
import type { ApiClient } from '../../../main/server-link/api-client';
import { createLogger } from '../../../main/logging/logger';
import type { ChainedEntry } from '../../../shared/audit/audit-entry';

const BACKOFF = { initialMs: 1000, maxMs: 60_000 };

describe('backoffDelay', () => {
  it('doubles from the initial wait, with jitter between half and all of it', () => {
    expect(backoffDelay(1, BACKOFF, () => 0)).toBe(500);
    expect(backoffDelay(1, BACKOFF, () => 0.999_999)).toBe(1000);
    expect(backoffDelay(2, BACKOFF, () => 0)).toBe(1000);
    expect(backoffDelay(3, BACKOFF, () => 0.5)).toBe(3000);
    expect(backoffDelay(4, BACKOFF, () => 0)).toBe(4000);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(backoffDelay(7, BACKOFF, () => 0.999_999)).toBe(60_000);
    expect(backoffDelay(10_000, BACKOFF, () => 0.999_999)).toBe(60_000);
    expect(backoffDelay(10_000, BACKOFF, () => 0)).toBe(30_000);
  });

  it('stays within [½, 1] of the doubled wait for any random draw', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const full = Math.min(BACKOFF.maxMs, BACKOFF.initialMs * 2 ** (attempt - 1));
      for (const draw of [0, 0.1, 0.37, 0.5, 0.81, 0.999]) {
        const delay = backoffDelay(attempt, BACKOFF, () => draw);
        expect(delay).toBeGreaterThanOrEqual(full / 2);
        expect(delay).toBeLessThanOrEqual(full);
      }
    }
  });
});

const DEVICE = '0f0e0d0c-0b0a-4909-8807-060504030201';
const HASH = 'ab'.repeat(32);
const entry: ChainedEntry = {
  record: {
    actor: { userId: 'nurse.adams', role: 'nurse' },
    action: 'session.locked',
    object: { kind: 'none' },
    patient: null,
    at: 1_795_000_000_000,
    seq: 1,
    workstationId: DEVICE,
    outcome: 'success',
    reason: null,
  },
  previousHash: '00'.repeat(32),
  hash: HASH,
};

/** A log with one record waiting, as far as the sync reads it. */
const oneRecordLog = {
  deviceId: DEVICE,
  pending: () =>
    Promise.resolve({
      state: { deviceId: DEVICE, lastSeq: 1, lastHash: HASH, ackedSeq: 0, ackedHash: '00'.repeat(32) },
      entries: [entry],
    }),
  append: () => Promise.resolve({ seq: 2, hash: HASH }),
  acknowledge: () => Promise.resolve(true),
} as unknown as DeviceAuditLog;

/** A sync that never gets as far as checking an acknowledgement: no head, no valid signature. */
const NO_SERVER_TRUST = {
  witnessed: { read: () => null, write: () => undefined },
  sha256: () => new Uint8Array(32),
  verifySignature: () => false,
  now: () => 1_795_000_000_000,
  random: () => 0,
};

const until = async (check: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('a sync step that throws', () => {
  it('is counted as a failure and retried after a backoff, without a caller asking again', async () => {
    let signs = 0;
    let calls = 0;
    const sync = createAuditSync({
      log: oneRecordLog,
      // The server is down: nothing is ever acknowledged, so every round fails.
      api: {
        call: () => {
          calls += 1;
          return Promise.resolve({ ok: false, error: { code: 'UNREACHABLE' } });
        },
      } as unknown as ApiClient,
      identity: {
        deviceId: DEVICE,
        sign: () => {
          signs += 1;
          // The device key refuses twice (e.g. its store was busy), then works.
          return signs <= 2 ? Promise.reject(new Error('key unavailable')) : Promise.resolve(new Uint8Array(64));
        },
      },
      ...NO_SERVER_TRUST,
      logger: createLogger({ level: 'silent' }),
      backoff: { initialMs: 4, maxMs: 16 },
      debounceMs: 1,
    });
    try {
      sync.kick();
      // Two throws, then failures that answer a code: each one retried on its own.
      await until(() => calls >= 3);
      expect(signs).toBeGreaterThanOrEqual(5);
    } finally {
      await sync.stop();
    }
  });

  it('answers syncNow with a failure instead of rejecting', async () => {
    const sync = createAuditSync({
      log: {
        ...oneRecordLog,
        pending: () => Promise.resolve({ state: null, entries: [entry] }),
      } as unknown as DeviceAuditLog,
      api: { call: () => Promise.reject(new Error('socket closed')) } as unknown as ApiClient,
      identity: { deviceId: DEVICE, sign: () => Promise.resolve(new Uint8Array(64)) },
      witnessed: { read: () => null, write: () => undefined },
      sha256: () => new Uint8Array(32),
      verifySignature: () => false,
      now: () => 0,
      random: () => 0,
      logger: createLogger({ level: 'silent' }),
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    try {
      expect(await sync.syncNow()).toEqual({ kind: 'failed', code: 'AUDIT_UNAVAILABLE' });
    } finally {
      await sync.stop();
    }
  });
});

describe('a workstation the server does not know yet', () => {
  it('waits quietly for its next record instead of retrying, then syncs at once', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const lines: string[] = [];
    const sync = createAuditSync({
      log: oneRecordLog,
      // Before the first sign-in here, the server has no device of this id.
      api: {
        call: () => {
          calls += 1;
          return Promise.resolve({ ok: false, error: { code: 'AUDIT_DEVICE_UNKNOWN' } });
        },
      } as unknown as ApiClient,
      identity: { deviceId: DEVICE, sign: () => Promise.resolve(new Uint8Array(64)) },
      ...NO_SERVER_TRUST,
      logger: createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } as never }),
      backoff: { initialMs: 4, maxMs: 16 },
      debounceMs: 1,
    });
    try {
      sync.kick();
      await vi.advanceTimersByTimeAsync(2);
      expect(calls).toBe(1);
      // A failure would be retried within 16 ms; this one is not, however long it waits.
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(calls).toBe(1);
      // The sign-in's first record tries again without a backoff to wait out.
      sync.kick();
      await vi.advanceTimersByTimeAsync(2);
      expect(calls).toBe(2);
      expect(lines).toEqual([]);
    } finally {
      await sync.stop();
      vi.useRealTimers();
    }
  });

  it('tries again at once for records that came while it was being refused', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const sync = createAuditSync({
      log: oneRecordLog,
      api: {
        call: () => {
          calls += 1;
          // The sign-in registers the device and records, while this attempt is on its way.
          if (calls === 1) sync.kick();
          return Promise.resolve(
            calls === 1
              ? { ok: false, error: { code: 'AUDIT_DEVICE_UNKNOWN' } }
              : { ok: false, error: { code: 'UNREACHABLE' } },
          );
        },
      } as unknown as ApiClient,
      identity: { deviceId: DEVICE, sign: () => Promise.resolve(new Uint8Array(64)) },
      ...NO_SERVER_TRUST,
      logger: createLogger({ level: 'silent' }),
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      debounceMs: 1,
    });
    try {
      sync.kick();
      await vi.advanceTimersByTimeAsync(10);
      expect(calls).toBe(2);
    } finally {
      await sync.stop();
      vi.useRealTimers();
    }
  });
});
