import { describe, expect, it } from 'vitest';
import { admission, type ThreadFacts } from '../../../main/messaging/thread-admission';

const thread = (members: string[], planned: string[] = []): ThreadFacts => ({
  members,
  planned: () => new Set(planned),
});

describe('whether an envelope may join its conversation', () => {
  it('lets anyone start a new conversation', () => {
    expect(admission(null, { members: ['a', 'b'], standby: ['c'] })).toBeNull();
  });

  it('takes the same members in any order or with repeats', () => {
    expect(admission(thread(['a', 'b']), { members: ['b', 'a', 'a'], standby: [] })).toBeNull();
  });

  it('refuses anyone joining by reusing the id, and anyone left out by it', () => {
    expect(admission(thread(['a', 'b']), { members: ['a', 'b', 'c'], standby: [] })).toBe('CONVERSATION_MISMATCH');
    expect(admission(thread(['a', 'b', 'c']), { members: ['a', 'b'], standby: [] })).toBe('CONVERSATION_MISMATCH');
  });

  it('lets a reply leave out only people an escalation plan in the thread names', () => {
    expect(admission(thread(['a', 'b'], ['c']), { members: ['a', 'b'], standby: ['c'] })).toBeNull();
    expect(admission(thread(['a', 'b'], ['c']), { members: ['a', 'b'], standby: ['c', 'd'] })).toBe(
      'PARTICIPANTS_MISMATCH',
    );
  });

  it('reads the plans only when a reply leaves someone out', () => {
    let asked = 0;
    const facts: ThreadFacts = {
      members: ['a', 'b'],
      planned: () => {
        asked += 1;
        return new Set();
      },
    };
    admission(facts, { members: ['a', 'b'], standby: [] });
    expect(asked).toBe(0);
  });
});
