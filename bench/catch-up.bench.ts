/**
 * Catch-up after time offline: a clinician who signed in at this workstation before comes back
 * to 10,000 messages that arrived meanwhile (100 group conversations of 100). Measured from the
 * authentication code accepted to every message verified, opened and stored in the vault by the
 * real main-process core, with the inbox (`conversations.list`) called every 100 ms meanwhile to
 * see whether it stays usable.
 *
 * Baseline, same run and server: the same 10,000 feed events fetched page by page by a bare
 * client that neither verifies, opens nor stores them: what the server and the wire allow.
 *
 * The server runs in its own process on PostgreSQL (test/support/postgres.ts settings), as a
 * hospital deploys it; the workstation core runs in this one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPostgres, type PostgresCluster } from '../test/support/postgres';
import { openRawSession } from '../test/support/raw-session';
import { createWorkstation, type Workstation } from '../test/support/workstation';
import type { Benchmark, Figure } from './bench-kit';
import { monoMs } from './support/child-rpc';
import { benchAccount } from './support/clients';
import { freshTotp, sealAndSend, type FreshTotp } from './support/seed-messages';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { percentile, percentiles, round } from './support/stats';

/** `WARDLINE_BENCH_CATCH_UP_CONVERSATIONS=<n>`: a smaller seed, to try the bench out quickly. */
const CONVERSATIONS = Number(process.env.WARDLINE_BENCH_CATCH_UP_CONVERSATIONS ?? 100);
const PER_CONVERSATION = 100;
const PAGE = 500;
const POLL_MS = 100;

export const benchmark: Benchmark = {
  name: 'catch-up',
  description: `a clinician back at the workstation after ${String(CONVERSATIONS * PER_CONVERSATION)} messages arrived: verified, opened and stored by the core, against the bare feed download, server on PostgreSQL`,
  async run(charts) {
    const root = mkdtempSync(path.join(os.tmpdir(), 'wardline-bench-catch-up-'));
    const reader = benchAccount('catch.reader', 'nurse', 'Bench Reader');
    const writer = benchAccount('catch.writer', 'physician', 'Bench Writer');
    const totp = freshTotp();
    let cluster: PostgresCluster | null = null;
    let server: ServerProcess | null = null;
    let station: Workstation | null = null;
    try {
      cluster = await startPostgres();
      server = await startServerProcess({
        dataDir: path.join(root, 'server'),
        databaseUrl: await cluster.createDatabase(),
      });
      await server.createAccounts([reader, writer]);
      station = createWorkstation(server.endpoint, { dataDir: path.join(root, 'workstation') });
      /** The password step; answers the code step, to run when the clock should start. */
      const signIn = async (): Promise<() => Promise<void>> => {
        if (station === null) throw new Error('no workstation');
        const first = await station.call('session.signIn', { userId: reader.userId, password: reader.password });
        if (!first.ok) throw new Error(first.error.code);
        const code = await totp.code(reader);
        return async () => {
          const second = await station?.call('session.verifyMfa', { code });
          if (second?.ok !== true) throw new Error(second?.ok === false ? second.error.code : 'no workstation');
        };
      };
      // Signed in here before: a vault and a feed cursor, then away.
      await (
        await signIn()
      )();
      await station.call('session.signOut', {});
      const total = CONVERSATIONS * PER_CONVERSATION;
      const { conversationIds } = await sealAndSend(server.endpoint, writer, [reader], {
        conversations: CONVERSATIONS,
        perConversation: PER_CONVERSATION,
      });
      const last = conversationIds.at(-1) ?? '';

      const rawMs = await bareFeedDownloadMs(server, reader, totp, total);

      const listMs: number[] = [];
      const progress: [number, number][] = [];
      const enterCode = await signIn();
      const started = monoMs();
      await enterCode();
      const signedInMs = monoMs() - started;
      // The last conversation's messages are the last on the feed, which is handled in order.
      for (;;) {
        const listStarted = monoMs();
        const list = await station.call('conversations.list', { offset: 0, limit: 50 });
        listMs.push(monoMs() - listStarted);
        if (!list.ok) throw new Error(list.error.code);
        const stored = list.value.total;
        progress.push([round((monoMs() - started) / 1000, 2), stored]);
        const thread = await station.call('conversation.open', { conversationId: last });
        if (thread.ok && thread.value.messages.length === PER_CONVERSATION) break;
        if (monoMs() - started > 600_000) throw new Error('catch-up did not finish in 10 minutes');
        await sleep(POLL_MS);
      }
      const caughtUpMs = monoMs() - started;
      const perSecond = (total * 1000) / (caughtUpMs - signedInMs);
      const rawPerSecond = (total * 1000) / rawMs;
      process.stdout.write(
        `catch-up: ${String(total)} messages in ${(caughtUpMs / 1000).toFixed(1)} s after the code (sign-in ${signedInMs.toFixed(0)} ms); ` +
          `bare feed download ${(rawMs / 1000).toFixed(2)} s; inbox p50/p95 ${round(percentile(listMs, 50))}/${round(percentile(listMs, 95))} ms\n`,
      );
      charts.add({
        kind: 'line',
        title: `Conversations listed in the inbox during catch-up (${String(CONVERSATIONS)} in all)`,
        x: 'seconds since the code was entered',
        y: 'conversations',
        series: { inbox: progress },
      });
      charts.add({
        kind: 'distribution',
        title: 'Inbox (conversations.list, first 50) during catch-up',
        unit: 'ms',
        series: { 'conversations.list': percentiles(listMs) },
      });
      return {
        catch_up_messages_per_s: { value: round(perSecond, 0), unit: 'messages/s', goal: '>= 2000' },
        bare_feed_messages_per_s: { value: round(rawPerSecond, 0), unit: 'messages/s', goal: null },
        catch_up_ratio_vs_bare_feed: { value: round(perSecond / rawPerSecond, 3), unit: 'ratio', goal: null },
        sign_in_ms: { value: round(signedInMs, 0), unit: 'ms', goal: null },
        inbox_list_p95_ms_during_catch_up: { value: round(percentile(listMs, 95)), unit: 'ms', goal: null },
        messages: { value: total, unit: 'messages', goal: null },
      } satisfies Record<string, Figure>;
    } finally {
      await station?.close();
      await server?.child.stop().catch(() => undefined);
      cluster?.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
};

/** The reader's feed from the start, page by page, by a bare client: envelopes counted, nothing opened. */
async function bareFeedDownloadMs(
  server: ServerProcess,
  reader: ReturnType<typeof benchAccount>,
  totp: FreshTotp,
  total: number,
): Promise<number> {
  const raw = await openRawSession(server.endpoint, reader, await totp.offset(reader));
  try {
    const started = monoMs();
    let after = 0;
    let envelopes = 0;
    while (envelopes < total) {
      const page = await raw.api.call('feed', { after, limit: PAGE }, raw.session.token);
      if (!page.ok) throw new Error(page.error.code);
      if (page.value.events.length === 0) throw new Error(`the feed ended after ${String(envelopes)} envelopes`);
      envelopes += page.value.events.filter((event) => event.type === 'envelope').length;
      after = page.value.cursor;
    }
    return monoMs() - started;
  } finally {
    raw.close();
  }
}
