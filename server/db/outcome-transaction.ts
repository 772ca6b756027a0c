/**
 * A transaction whose work answers an Outcome: committed on success, rolled back on a failure
 * value exactly as if it had thrown, so a refusal halfway through never leaves half a change.
 */
import type { Failure, Outcome } from '../outcome';
import type { Database, Queryable } from './database';

class RolledBack extends Error {
  constructor(readonly failure: Failure) {
    super('rolled back');
  }
}

export async function transactionOutcome<T>(
  db: Database,
  work: (tx: Queryable) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  try {
    return await db.transaction(async (tx) => {
      const outcome = await work(tx);
      if (!outcome.ok) throw new RolledBack(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.failure;
    throw error;
  }
}
