/**
 * Local message retention: machine policy's `messageRetentionDays` applied to one clinician's
 * vault, at unlock and then every 24 hours while it stays unlocked. Messages the server accepted
 * more than that many days ago are deleted a batch at a time (store/ops/retention-ops.ts says
 * what goes with them and what is kept), their attachments' files are unlinked, and the run is
 * recorded with its bound and counts only (retention-bound.ts).
 *
 * The server keeps its own copy for as long as its retention allows. The feed never brings a
 * removed message back (its cursor is past it); scrolling back in a thread fetches it again from
 * the server's history (thread-reader.ts), and such a message is shown for the session and
 * removed again by the next run. Retention is protective, like expiry: a run whose record cannot
 * be written still removes what is due, and the record's failure is logged by code.
 */
import type { StoreClient } from '../store/store-client';
import { StoreError } from '../store/store-error';
import type { ActionRecords } from './action-records';
import {
  RETENTION_BATCH,
  RETENTION_EVERY_MS,
  retentionBound,
  retentionEvent,
  type RetentionRun,
} from './retention-bound';

export interface MessageRetentionDeps {
  readonly store: StoreClient;
  readonly records: Pick<ActionRecords, 'noted'>;
  /** Policy's days, or null: no local bound, and nothing runs. */
  readonly days: number | null;
  readonly now: () => number;
  readonly setTimer: (run: () => void, ms: number) => { cancel(): void };
  /** Messages went from these conversations: views refresh, and the attachments' files are unlinked. */
  readonly onRemoved: (conversationIds: readonly string[]) => void;
  /** Runs a scheduled run nobody awaits; its failure is logged by code. */
  readonly background: (work: Promise<unknown>) => void;
  readonly batchSize?: number;
}

export interface MessageRetention {
  /** Applies the bound now (a run already under way is shared); null when policy sets none. */
  run(): Promise<RetentionRun | null>;
  /** The run at unlock, and the daily runs after it. */
  start(): void;
  /** No further batch or run; resolves once a run under way has stopped and been recorded. */
  stop(): Promise<void>;
}

export function createMessageRetention(deps: MessageRetentionDeps): MessageRetention {
  const limit = deps.batchSize ?? RETENTION_BATCH;
  let running: Promise<RetentionRun | null> | null = null;
  let timer: { cancel(): void } | null = null;
  let stopped = false;

  async function apply(days: number): Promise<RetentionRun> {
    const removedBefore = retentionBound(days, deps.now());
    let messages = 0;
    let attachments = 0;
    let failure: string | null = null;
    const touched = new Set<string>();
    try {
      // A lock stops it between batches: the vault is about to close.
      while (!stopped) {
        const batch = await deps.store.call('message.removeOlderThan', { before: removedBefore, limit });
        messages += batch.messages;
        attachments += batch.attachments;
        for (const id of batch.conversationIds) touched.add(id);
        if (batch.messages < limit) break;
      }
    } catch (error) {
      failure = error instanceof StoreError ? error.code : 'INTERNAL';
    }
    if (touched.size > 0) deps.onRemoved([...touched]);
    const run = { days, removedBefore, messages, attachments, failure };
    await deps.records.noted(retentionEvent(run));
    return run;
  }

  function run(): Promise<RetentionRun | null> {
    const { days } = deps;
    if (days === null || stopped) return Promise.resolve(null);
    running ??= apply(days).finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(): void {
    timer = deps.setTimer(() => {
      if (stopped) return;
      deps.background(run());
      schedule();
    }, RETENTION_EVERY_MS);
  }

  return {
    run,
    start() {
      if (deps.days === null) return;
      deps.background(run());
      schedule();
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = null;
      await running;
    },
  };
}
