/**
 * What one load level of the round-trip bench (message-round-trip.bench.ts) measured, and the
 * stage breakdown: each sample's round trip cut at the stamps the sender, server and recipient
 * processes took on their HTTP requests and feed frames.
 */
import type { LoadReport } from '../support/machine-load';
import { median, percentile, round } from '../support/stats';
import type { FrameStamp, HttpStamp, Trace } from '../support/trace';

export type Series = 'encrypted' | 'baseline';

export interface Sample {
  readonly series: Series;
  readonly id: string;
  readonly t0: number;
  readonly t1: number;
}

export interface Stages {
  /** start → A's POST of the envelope begins. */
  readonly beforePost: number;
  /** Of which: a recipient-key lookup, if the send asked the directory (encrypted only). */
  readonly keyLookup: number | null;
  /** POST begins → the server has the request. */
  readonly toServer: number;
  /** Server has the request → frame for B handed to its socket. */
  readonly serverToPush: number;
  /** Frame handed to B's socket → B's process has it. */
  readonly pushToRecipient: number;
  /** B has the frame → stored. */
  readonly recipientStore: number;
}

const firstIn = (stamps: readonly HttpStamp[], pathName: string, from: number, to: number) =>
  stamps.find((s) => s.path === pathName && s.start >= from && s.start <= to);

export function stagesOf(sample: Sample, sender: Trace, server: Trace, recipient: Trace): Stages | null {
  const post = firstIn(sender.http, '/v1/messages/send', sample.t0, sample.t1);
  const lookup = firstIn(sender.http, '/v1/directory/keys', sample.t0, sample.t1);
  const received = recipient.frames.find((f: FrameStamp) => f.id === sample.id);
  if (post === undefined || received === undefined) return null;
  const served = server.http
    .filter((s) => s.start >= post.start && s.start <= (post.end ?? sample.t1))
    .sort((a, b) => a.start - b.start)[0];
  const pushed = server.frames.filter((f) => f.id === sample.id && f.at <= received.at).sort((a, b) => b.at - a.at)[0];
  if (served === undefined || pushed === undefined) return null;
  return {
    beforePost: post.start - sample.t0,
    keyLookup: lookup?.end == null ? null : lookup.end - lookup.start,
    toServer: served.start - post.start,
    serverToPush: pushed.at - served.start,
    pushToRecipient: received.at - pushed.at,
    recipientStore: sample.t1 - received.at,
  };
}

export interface LevelResult {
  readonly level: number;
  readonly encrypted: number[];
  readonly baseline: number[];
  readonly stages: Record<Series, Stages[]>;
  readonly cpuMsPerMessage: { server: number; sender: number; recipient: number };
  readonly chatterSent: number;
  readonly seconds: number;
  readonly load: LoadReport | null;
}

export function printStages(results: readonly LevelResult[]): void {
  const rows: Record<string, string | number>[] = [];
  const stageNames: [keyof Stages, string][] = [
    ['beforePost', 'A: send → POST starts'],
    ['keyLookup', '  of which key lookup'],
    ['toServer', 'POST → server has it'],
    ['serverToPush', 'server: request → frame to B'],
    ['pushToRecipient', 'frame → B has it'],
    ['recipientStore', 'B: frame → stored'],
  ];
  for (const r of results) {
    for (const [key, label] of stageNames) {
      const enc = r.stages.encrypted.map((s) => s[key]).filter((v): v is number => v !== null);
      const base = r.stages.baseline.map((s) => s[key]).filter((v): v is number => v !== null);
      rows.push({
        level: r.level,
        stage: label,
        'encrypted p50': round(median(enc)),
        'encrypted p99': round(percentile(enc, 99)),
        'baseline p50': base.length ? round(median(base)) : '',
        'baseline p99': base.length ? round(percentile(base, 99)) : '',
      });
    }
  }
  process.stdout.write('stage breakdown (ms; stages of one sample add up to its round trip):\n');
  console.table(rows);
}
