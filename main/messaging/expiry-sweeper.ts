/**
 * Message expiry on this workstation: every 15 s, and before a thread is shown, messages past
 * their expiry are listed, each expiry is recorded, and only then is their text removed, so the
 * trail has each expiry before the text is gone. Expiry is protective: a record that cannot be
 * written is logged by code and the text goes anyway.
 */
import type { StoreClient } from '../store/store-client';
import { patientsOf, type ActionRecords } from './action-records';
import { actionEvent } from '../../shared/audit/audit-event-builder';

export interface ExpirySweeperDeps {
  readonly store: StoreClient;
  readonly records: Pick<ActionRecords, 'noted'>;
  readonly now: () => number;
  readonly onThreadChanged: (conversationId: string) => void;
  readonly onListChanged: () => void;
  /** Runs a periodic sweep nobody awaits; its failure is logged by code. */
  readonly background: (work: Promise<unknown>) => void;
}

export interface ExpirySweeper {
  /** Expires what is due now; resolves once it is gone. */
  sweep(): Promise<void>;
  start(): void;
  stop(): void;
}

const EXPIRY_SWEEP_MS = 15_000;

export function createExpirySweeper(deps: ExpirySweeperDeps): ExpirySweeper {
  const { store } = deps;
  let timer: NodeJS.Timeout | null = null;

  async function sweep(): Promise<void> {
    const now = deps.now();
    const due = await store.call('message.dueToExpire', { now });
    if (due.length === 0) return;
    const patients = await patientsOf(
      store,
      due.map((message) => message.conversationId),
    );
    await Promise.all(
      due.map((message) =>
        deps.records.noted(
          actionEvent({
            action: 'message.expired',
            object: { kind: 'message', id: message.id, conversationId: message.conversationId },
            patient: patients.get(message.conversationId) ?? null,
          }),
        ),
      ),
    );
    const expired = await store.call('message.expire', { ids: due.map((message) => message.id), now });
    const touched = new Set(expired.map((message) => message.conversationId));
    for (const id of touched) deps.onThreadChanged(id);
    if (touched.size > 0) deps.onListChanged();
  }

  return {
    sweep,
    start() {
      deps.background(sweep());
      timer = setInterval(() => deps.background(sweep()), EXPIRY_SWEEP_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
