/**
 * What a lock or sign-out stops in the feed receiver: envelopes still queued for preparation are
 * not opened (no decryption for a session that is ending); their preparation rejects, so the
 * stream stores no page holding them and they come again at the next start.
 */
import { describe, expect, it } from 'vitest';
import { createFeedReceiver, type FeedReceiverDeps } from '../../../main/messaging/feed-receiver';
import type { FeedEvent } from '../../../shared/protocol/feed';

/** Deps the receiver may read when made (who it is), and nothing else: opening would touch them. */
const untouched = new Proxy(
  {},
  {
    get(_target, name) {
      if (name === 'self') return { userId: 'nurse.adams', signingPublicKey: '', encryption: {} };
      throw new Error(`touched ${String(name)} after close`);
    },
  },
);

describe('a closed feed receiver', () => {
  it('opens nothing more once closed', async () => {
    const receiver = createFeedReceiver(untouched as FeedReceiverDeps);
    receiver.close();
    const envelope = { type: 'envelope', seq: 7, envelope: {}, acceptedAt: 1 } as unknown as FeedEvent;
    await expect(receiver.prepare(envelope)).rejects.toThrow('FEED_RECEIVER_CLOSED');
  });
});
