/**
 * Where an escalation's time goes, per message, from stamps taken in four processes: the server's
 * own record of when the step fell due and when its release ran (epoch ms, its clock), the server
 * handing the envelope frame to the backup's socket, the backup's workstation receiving it and
 * its vault holding the decrypted message (CLOCK_MONOTONIC). Pure.
 */
import type { FrameStamp } from '../support/trace';
import { percentile, round } from '../support/stats';

/** One escalated message: the server's times on its clock (epoch ms), the rest on CLOCK_MONOTONIC. */
export interface EscalationStamps {
  readonly messageId: string;
  readonly dueAt: number;
  readonly releasedAt: number;
  /** The backup's vault has the decrypted message. */
  readonly held: number;
}

export interface EscalationStages {
  /** Held, from due: the figure judged against the goal. */
  readonly total: number;
  /** Due until the release timer's pass began (the release transaction's clock reading). */
  readonly timerWait: number;
  /** That pass's transaction, the NOTIFY and the backup's stream reading its feed, until the frame is sent. */
  readonly releaseToSent: number | null;
  /** Loopback, TLS and WebSocket framing. */
  readonly sentToReceived: number | null;
  /** Verify, open and store in the vault. */
  readonly receivedToHeld: number | null;
}

/**
 * `wallToMono`: epoch ms minus CLOCK_MONOTONIC ms on this machine (one value for every process).
 * `sent`: the server's envelope frames; the backup's is the first for the id after the release.
 */
export function escalationStages(
  stamps: EscalationStamps,
  wallToMono: number,
  sent: ReadonlyMap<string, readonly number[]>,
  received: ReadonlyMap<string, readonly number[]>,
): EscalationStages {
  const due = stamps.dueAt - wallToMono;
  const released = stamps.releasedAt - wallToMono;
  // The server's clock reads whole milliseconds: a frame within one of the reading is after it.
  const sentAt = sent.get(stamps.messageId)?.find((at) => at >= released - 1) ?? null;
  const receivedAt = received.get(stamps.messageId)?.find((at) => sentAt === null || at >= sentAt) ?? null;
  return {
    total: stamps.held - due,
    timerWait: released - due,
    releaseToSent: sentAt === null ? null : sentAt - released,
    sentToReceived: sentAt === null || receivedAt === null ? null : receivedAt - sentAt,
    receivedToHeld: receivedAt === null ? null : stamps.held - receivedAt,
  };
}

/** Frame stamps by envelope id, in time order. */
export function byId(frames: readonly FrameStamp[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const frame of [...frames].sort((a, b) => a.at - b.at)) {
    const list = map.get(frame.id) ?? [];
    list.push(frame.at);
    map.set(frame.id, list);
  }
  return map;
}

/** A table row: p50, p95, p99 and max of the values that were measured. */
export function spread(values: readonly (number | null)[]): Record<'n' | 'p50' | 'p95' | 'p99' | 'max', number> {
  const known = values.filter((v): v is number => v !== null);
  return {
    n: known.length,
    p50: round(percentile(known, 50)),
    p95: round(percentile(known, 95)),
    p99: round(percentile(known, 99)),
    max: round(Math.max(...known)),
  };
}

/** Epoch ms minus CLOCK_MONOTONIC ms, from many paired readings (Date.now() floors: +0.5). */
export function wallToMonoOffset(read: () => { wall: number; mono: number }, samples = 51): number {
  const offsets = Array.from({ length: samples }, () => {
    const { wall, mono } = read();
    return wall + 0.5 - mono;
  });
  return percentile(offsets, 50);
}
