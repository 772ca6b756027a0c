import { describe, expect, it } from 'vitest';
import { noticeFor } from '../../../main/notifications/notification-content';

const facts = { content: 'count' as const, locked: false, unseen: 1, senderName: 'Dr. Anika Patel' };

describe('what a notification may say', () => {
  it('says only that a message arrived under the default policy', () => {
    expect(noticeFor(facts)).toEqual({ title: 'Wardline', body: 'New secure message' });
    expect(noticeFor({ ...facts, unseen: 3 })).toEqual({ title: 'Wardline', body: '3 new secure messages' });
  });

  it('names the sender when policy allows it, and never anything else', () => {
    expect(noticeFor({ ...facts, content: 'sender' })).toEqual({
      title: 'Wardline',
      body: 'New secure message from Dr. Anika Patel',
    });
    // Several at once: a count, not one sender's name standing for all of them.
    expect(noticeFor({ ...facts, content: 'sender', unseen: 2 }).body).toBe('2 new secure messages');
  });

  it('shows no name while the workstation is locked, whatever the policy', () => {
    expect(noticeFor({ ...facts, content: 'sender', locked: true })).toEqual({
      title: 'Wardline',
      body: 'New secure message',
    });
  });

  it('keeps the title the app name at every level', () => {
    for (const content of ['count', 'sender'] as const) {
      for (const locked of [false, true]) expect(noticeFor({ ...facts, content, locked }).title).toBe('Wardline');
    }
  });
});
